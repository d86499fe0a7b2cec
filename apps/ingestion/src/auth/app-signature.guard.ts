import { Injectable, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { KnownApp } from '@msync/platform';
import { RequestVerifier } from './request-verifier';

export type AppRequest = Request & { msyncApp?: KnownApp };

/** App-Key + Nonce + Timestamp + Signature (hex SHA1 of secret+nonce+timestamp); `RC-` prefixed names too. */
@Injectable()
export class AppSignatureGuard implements CanActivate {
  constructor(private readonly verifier: RequestVerifier) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AppRequest>();
    req.msyncApp = await this.verifier.verify(req.headers);
    return true;
  }
}

/** The app the request was signed by (set by AppSignatureGuard or ServerApiGuard). */
export const SignedApp = createParamDecorator((_: unknown, ctx: ExecutionContext): KnownApp => {
  return ctx.switchToHttp().getRequest<AppRequest>().msyncApp!;
});
