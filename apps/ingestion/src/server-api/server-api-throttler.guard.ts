import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { AppRequest } from '../auth/app-signature.guard';
import { RcCode, ServerApiError } from './server-api-error';

/** The app's request budget on the Server API: per app (not per route or IP), its `serverApiRatePerSecond`. */
export const SERVER_API_THROTTLER = 'server-api';

const appOf = (context: ExecutionContext) => {
  const app = context.switchToHttp().getRequest<AppRequest>().msyncApp;
  if (!app) throw new Error('ServerApiThrottlerGuard runs after ServerApiGuard (signature first)');
  return app;
};

export const serverApiThrottlerOptions = (): ThrottlerModuleOptions => ({
  throttlers: [
    {
      name: SERVER_API_THROTTLER,
      ttl: 1000,
      limit: (context) => appOf(context).settings.serverApiRatePerSecond,
      getTracker: (_req, context) => appOf(context).appKey,
      generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    },
  ],
});

/** Nest's ThrottlerGuard, answering in the Server API's terms (HTTP 429, code 1008). */
@Injectable()
export class ServerApiThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(context: ExecutionContext): Promise<void> {
    const rate = appOf(context).settings.serverApiRatePerSecond;
    throw new ServerApiError(RcCode.RATE_LIMITED, `more than ${rate} requests per second for this app`);
  }
}
