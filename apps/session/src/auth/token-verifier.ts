import { Injectable } from '@nestjs/common';
import { tokenAppKey, verifyDeviceToken, type DeviceTokenClaims } from '@msync/auth';
import { DomainError, ErrorCodes } from '@msync/contracts';
import { AppDirectory } from '@msync/platform';
import { TokenRepository } from '@msync/persistence';

/** A device token is valid when its app exists, the signature and expiry check out, and it is not revoked. */
@Injectable()
export class TokenVerifier {
  constructor(
    private readonly apps: AppDirectory,
    private readonly tokens: TokenRepository,
  ) {}

  async verify(token: string): Promise<DeviceTokenClaims> {
    const app = await this.apps.require(tokenAppKey(token));
    const claims = verifyDeviceToken(token, app.secret);
    if (await this.tokens.isRevoked(claims.appKey, claims.tokenId)) throw new DomainError(ErrorCodes.TOKEN_REVOKED, 'token was revoked');
    return claims;
  }
}
