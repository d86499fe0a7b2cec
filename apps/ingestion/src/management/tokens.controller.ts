import { Body, Controller, Param, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { issueDeviceToken, verifyDeviceToken } from '@msync/auth';
import { DomainError, ErrorCodes, userIdSchema } from '@msync/contracts';
import type { KnownApp } from '@msync/platform';
import { TokenRepository } from '@msync/persistence';
import { parseInput } from '@msync/service-kit';
import { AppSignatureGuard, SignedApp } from '../auth/app-signature.guard';

const issueSchema = z.strictObject({ ttlSeconds: z.number().int().min(1).max(10 * 365 * 86_400).optional() });
const revokeSchema = z.strictObject({ token: z.string().min(1) });

/** Device tokens for the app's users (management API, signed with the app secret). */
@Controller('v1')
@UseGuards(AppSignatureGuard)
export class TokensController {
  constructor(private readonly tokens: TokenRepository) {}

  @Post('users/:userId/tokens')
  issue(@SignedApp() app: KnownApp, @Param('userId') userId: string, @Body() body: unknown) {
    const user = parseInput(userIdSchema, userId);
    const input = parseInput(issueSchema, body ?? {});
    const { token, claims } = issueDeviceToken(app.secret, { appKey: app.appKey, userId: user, ttlMs: input.ttlSeconds ? input.ttlSeconds * 1000 : undefined });
    return { userId: user, token, tokenId: claims.tokenId, expiresAt: claims.expiresAt ?? null };
  }

  @Post('tokens/revoke')
  async revoke(@SignedApp() app: KnownApp, @Body() body: unknown) {
    const { token } = parseInput(revokeSchema, body);
    const claims = verifyDeviceToken(token, app.secret, 0);
    if (claims.appKey !== app.appKey) throw new DomainError(ErrorCodes.NOT_ALLOWED, 'token belongs to another app');
    await this.tokens.revoke(app.appKey, claims.tokenId, claims.userId);
    return { revoked: true, tokenId: claims.tokenId };
  }
}
