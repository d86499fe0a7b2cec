import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { RequestVerifier } from '../auth/request-verifier';
import type { AppRequest } from '../auth/app-signature.guard';

/** Signature (401/1004); the app's request rate (429/1008) is ServerApiThrottlerGuard's, after it. */
@Injectable()
export class ServerApiGuard implements CanActivate {
  constructor(private readonly verifier: RequestVerifier) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AppRequest>();
    req.msyncApp = await this.verifier.verify(req.headers);
    return true;
  }
}
