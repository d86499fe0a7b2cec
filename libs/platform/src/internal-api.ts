import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { DomainError, ErrorCodes, type ErrorCode } from '@msync/contracts';

export const INTERNAL_TOKEN_HEADER = 'x-internal-token';
export const internalTokenSchema = z.string().min(16, 'must be at least 16 characters');

/** Injection token for the shared service-to-service secret (INTERNAL_API_TOKEN). */
export const INTERNAL_TOKEN = Symbol('INTERNAL_TOKEN');

/** Service-to-service calls carry a shared secret; no device or app credential opens /internal routes. */
@Injectable()
export class InternalTokenGuard implements CanActivate {
  constructor(@Inject(INTERNAL_TOKEN) private readonly token: string) {}

  canActivate(ctx: ExecutionContext): boolean {
    const given = Buffer.from(String(ctx.switchToHttp().getRequest<Request>().headers[INTERNAL_TOKEN_HEADER] ?? ''));
    const expected = Buffer.from(this.token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new DomainError(ErrorCodes.NOT_AUTHENTICATED, 'internal token missing or wrong');
    }
    return true;
  }
}

/** JSON over HTTP to another service, with the internal token, a deadline and error codes preserved. */
export class InternalHttpClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** `rawBody`: the body already serialised as JSON (instead of `body`). */
  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown, rawBody?: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          [INTERNAL_TOKEN_HEADER]: this.token,
          'content-type': 'application/json',
        },
        body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new DomainError(ErrorCodes.UNAVAILABLE, `${this.baseUrl} unreachable: ${(err as Error).message}`);
    }
    const payload = (await res.json().catch(() => ({}))) as { code?: ErrorCode; message?: string };
    if (!res.ok) {
      // A proxy or a restarting peer may answer 502-504 without our JSON: retry later, not a bug.
      const fallback = res.status >= 502 && res.status <= 504 ? ErrorCodes.UNAVAILABLE : ErrorCodes.INTERNAL;
      throw new DomainError(payload.code ?? fallback, payload.message ?? `HTTP ${res.status}`);
    }
    return payload as T;
  }
}
