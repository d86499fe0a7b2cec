import { Injectable, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { signatureMatches } from '@msync/auth';
import { DomainError, ErrorCodes } from '@msync/contracts';
import { AppDirectory, type KnownApp } from '@msync/platform';

type AppRequest = Request & { msyncApp?: KnownApp };

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()] ?? req.headers[`rc-${name.toLowerCase()}`];
  return Array.isArray(value) ? value[0] : value;
}

/** App-Key + Nonce + Timestamp + Signature (hex SHA1 of secret+nonce+timestamp); `RC-` prefixed names too. */
@Injectable()
export class AppSignatureGuard implements CanActivate {
  constructor(private readonly apps: AppDirectory) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AppRequest>();
    const appKey = header(req, 'App-Key');
    const nonce = header(req, 'Nonce');
    const timestamp = header(req, 'Timestamp');
    const signature = header(req, 'Signature');
    if (!appKey || !nonce || !timestamp || !signature) {
      throw new DomainError(ErrorCodes.SIGNATURE_INVALID, 'App-Key, Nonce, Timestamp and Signature headers are required');
    }
    const app = await this.apps.find(appKey);
    if (!app || !signatureMatches(app.secret, nonce, timestamp, signature)) {
      throw new DomainError(ErrorCodes.SIGNATURE_INVALID, 'unknown app key or wrong signature');
    }
    if (app.disabled) throw new DomainError(ErrorCodes.APP_DISABLED, 'app is disabled');
    req.msyncApp = app;
    return true;
  }
}

/** The app the request was signed by (set by AppSignatureGuard). */
export const SignedApp = createParamDecorator((_: unknown, ctx: ExecutionContext): KnownApp => {
  return ctx.switchToHttp().getRequest<AppRequest>().msyncApp!;
});
