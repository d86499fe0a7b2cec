import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { RequestVerifier } from '../auth/request-verifier';
import type { AppRequest } from '../auth/app-signature.guard';
import { AppRateLimiter } from './rate-limiter';
import { RcCode, ServerApiError } from './server-api-error';

/** Signature (401/1004), then the app's request rate (`serverApiRatePerSecond`, 429/1008). */
@Injectable()
export class ServerApiGuard implements CanActivate {
  private readonly limiter = new AppRateLimiter();

  constructor(private readonly verifier: RequestVerifier) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AppRequest>();
    const app = await this.verifier.verify(req.headers);
    if (!this.limiter.tryAcquire(app.appKey, app.settings.serverApiRatePerSecond)) {
      throw new ServerApiError(RcCode.RATE_LIMITED, `more than ${app.settings.serverApiRatePerSecond} requests per second for this app`);
    }
    req.msyncApp = app;
    return true;
  }
}
