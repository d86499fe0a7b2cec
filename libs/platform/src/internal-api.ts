import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { Pool } from 'undici';
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

/**
 * JSON over HTTP to another service, with the internal token, a deadline and error codes preserved.
 * undici's `Pool.request` over kept-alive connections: global `fetch` (the same library behind the
 * WHATWG API: an AbortSignal with a timer, a Request, web streams per call) was 13 % of the gateway's
 * busy time at 50 msg/s (docs/benchmarks.md, issue 12 step 5).
 */
export class InternalHttpClient {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    timeoutMs = 10_000,
  ) {
    const url = new URL(baseUrl);
    this.basePath = url.pathname.replace(/\/$/, '');
    this.pool = new Pool(url.origin, { connections: 64, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 4_000 });
  }

  /** `rawBody`: the body already serialised as JSON (instead of `body`). */
  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown, rawBody?: string): Promise<T> {
    let status: number;
    let text: string;
    try {
      const res = await this.pool.request({
        method,
        path: `${this.basePath}${path}`,
        headers: { [INTERNAL_TOKEN_HEADER]: this.token, 'content-type': 'application/json' },
        body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw new DomainError(ErrorCodes.UNAVAILABLE, `${this.baseUrl} unreachable: ${(err as Error).message}`);
    }
    let payload: { code?: ErrorCode; message?: string } = {};
    try {
      payload = JSON.parse(text) as typeof payload;
    } catch {
      // not our JSON (a proxy's page): the status decides below
    }
    if (status < 200 || status >= 300) {
      // A proxy or a restarting peer may answer 502-504 without our JSON: retry later, not a bug.
      const fallback = status >= 502 && status <= 504 ? ErrorCodes.UNAVAILABLE : ErrorCodes.INTERNAL;
      throw new DomainError(payload.code ?? fallback, payload.message ?? `HTTP ${status}`);
    }
    return payload as T;
  }

  /** Closes the kept-alive connections (at shutdown). */
  close(): Promise<void> {
    return this.pool.close();
  }
}
