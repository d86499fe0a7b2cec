import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { platformConfigSchema } from '@msync/platform';

export const sessionConfigSchema = platformConfigSchema(3001).extend({
  INGESTION_URL: z.url().default('http://127.0.0.1:3000'),
  COMPENSATION_URL: z.url().default('http://127.0.0.1:3004'),
  RECALL_URL: z.url().default('http://127.0.0.1:3003'),
  /** Unique per replica: names its live-events consumer group. */
  GATEWAY_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default(() => `gw-${randomBytes(4).toString('hex')}`),
  HELLO_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** A device whose socket buffers more than this is too slow: it is closed and replays on reconnect. */
  WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(64 * 1024).default(8 * 1024 * 1024),
  /**
   * Under load, requests that carry device sends to ingestion start at least this far apart (each
   * request then carries more sends); a send after a quiet spell goes at once. 0 turns it off.
   */
  INGESTION_BATCH_INTERVAL_MS: z.coerce.number().int().min(0).max(100).default(0),
  CURSOR_FLUSH_INTERVAL_MS: z.coerce.number().int().min(50).default(1_000),
  REPLAY_PAGE_SIZE: z.coerce.number().int().min(10).max(5000).default(500),
});
export type SessionConfig = z.infer<typeof sessionConfigSchema>;
export const SESSION_CONFIG = Symbol('SESSION_CONFIG');
