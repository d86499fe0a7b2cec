import { randomInt } from 'node:crypto';
import { requestSignature } from '@msync/auth';
import type { TestApp } from './management-client';

export type FormValue = string | number | boolean | readonly (string | number)[];

export interface ServerApiAnswer {
  status: number;
  body: { code: number; errorMessage?: string } & Record<string, unknown>;
  /** The raw text, for answers that are not JSON. */
  text: string;
}

export interface ServerApiCallOptions {
  /** Headers instead of the signed ones (bad signatures, missing headers). */
  headers?: Record<string, string>;
  /** A body sent as is instead of encoding `fields`. */
  rawBody?: string;
  /** Sign with this nonce / timestamp (default: a fresh nonce and the time in seconds, as the SDKs do). */
  nonce?: string;
  timestamp?: string;
  /** `RC-App-Key` etc. instead of `App-Key`. */
  rcPrefixed?: boolean;
}

/** Encodes a form with repeated keys for lists; spaces as `%20` (what rongcloud-sdk does). */
export function encodeForm(fields: Record<string, FormValue>): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`);
  }
  return pairs.join('&');
}

/** The Server API as a plain HTTP client calls it (`POST {base}/{path}.json`, form body, signed headers), answers returned whatever the status. */
export class ServerApiClient {
  constructor(
    readonly baseUrl: string,
    readonly app: TestApp,
  ) {}

  signedHeaders(options: Pick<ServerApiCallOptions, 'nonce' | 'timestamp' | 'rcPrefixed'> = {}): Record<string, string> {
    const nonce = options.nonce ?? String(randomInt(0, 0xffffff));
    const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
    const prefix = options.rcPrefixed ? 'RC-' : '';
    return {
      [`${prefix}App-Key`]: this.app.appKey,
      [`${prefix}Nonce`]: nonce,
      [`${prefix}Timestamp`]: timestamp,
      [`${prefix}Signature`]: requestSignature(this.app.secret, nonce, timestamp),
    };
  }

  async call(path: string, fields: Record<string, FormValue> = {}, options: ServerApiCallOptions = {}): Promise<ServerApiAnswer> {
    const res = await fetch(`${this.baseUrl}/${path}.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(options.headers ?? this.signedHeaders(options)) },
      body: options.rawBody ?? encodeForm(fields),
    });
    const text = await res.text();
    let body: ServerApiAnswer['body'];
    try {
      body = JSON.parse(text);
    } catch {
      body = { code: -1, errorMessage: `not JSON: ${text.slice(0, 200)}` };
    }
    return { status: res.status, body, text };
  }
}
