import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { signatureMatches, signatureTimestampMs } from '@msync/auth';
import { DomainError, ErrorCodes } from '@msync/contracts';
import { AppDirectory, type KnownApp } from '@msync/platform';
import { ExpiringKeySet } from '../support/expiring-key-set';

/** Strict mode: how far a request's Timestamp may be from the server clock, either way. */
export const STRICT_TIMESTAMP_WINDOW_MS = 5 * 60_000;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name] ?? headers[`rc-${name}`];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Checks the app signature headers (`App-Key`, `Nonce`, `Timestamp`, `Signature`, or their `RC-`
 * forms): Signature = hex SHA1(secret + nonce + timestamp). By default nothing else, because
 * rongcloud-sdk 3.x signs once per process and reuses Nonce and Timestamp for its whole life.
 * An app with `strictSignature` also gets a timestamp window and a nonce replay check.
 */
@Injectable()
export class RequestVerifier {
  /** A nonce is remembered for twice the window: any replay still inside the window is caught. */
  private readonly nonces = new ExpiringKeySet(2 * STRICT_TIMESTAMP_WINDOW_MS);

  constructor(private readonly apps: AppDirectory) {}

  async verify(headers: IncomingHttpHeaders, now = Date.now()): Promise<KnownApp> {
    const appKey = header(headers, 'app-key');
    const nonce = header(headers, 'nonce');
    const timestamp = header(headers, 'timestamp');
    const signature = header(headers, 'signature');
    if (!appKey || !nonce || !timestamp || !signature) {
      throw new DomainError(ErrorCodes.SIGNATURE_INVALID, 'App-Key, Nonce, Timestamp and Signature headers are required');
    }
    const app = await this.apps.find(appKey);
    if (!app || !signatureMatches(app.secret, nonce, timestamp, signature)) {
      throw new DomainError(ErrorCodes.SIGNATURE_INVALID, 'unknown app key or wrong signature');
    }
    if (app.disabled) throw new DomainError(ErrorCodes.APP_DISABLED, 'app is disabled');
    if (app.settings.strictSignature) this.checkFreshness(app.appKey, nonce, timestamp, now);
    return app;
  }

  private checkFreshness(appKey: string, nonce: string, timestamp: string, now: number): void {
    const at = signatureTimestampMs(timestamp);
    if (at === undefined || Math.abs(now - at) > STRICT_TIMESTAMP_WINDOW_MS) {
      throw new DomainError(ErrorCodes.SIGNATURE_INVALID, 'Timestamp is outside the allowed window (strict signature mode)');
    }
    if (!this.nonces.add(`${appKey}\u0000${nonce}`, now)) {
      throw new DomainError(ErrorCodes.SIGNATURE_INVALID, 'Nonce was already used (strict signature mode)');
    }
  }
}
