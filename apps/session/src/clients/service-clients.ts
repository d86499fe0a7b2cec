import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError, ErrorCodes, type CompensationWindow, type ErrorCode, type StreamPage } from '@msync/contracts';
import { Coalescer, loggerFor } from '@msync/service-kit';
import { InternalHttpClient } from '@msync/platform';
import { SESSION_CONFIG, type SessionConfig } from '../config';

export interface SendResult {
  messageUid: string;
  sentAt: number;
  duplicate: boolean;
}

/** Reads a user's stream through the compensation service (the owner of the read path). */
@Injectable()
export class StreamReader implements OnApplicationShutdown {
  private readonly http: InternalHttpClient;

  constructor(@Inject(SESSION_CONFIG) config: SessionConfig) {
    this.http = new InternalHttpClient(config.COMPENSATION_URL, config.INTERNAL_API_TOKEN);
  }

  page(appKey: string, userId: string, after: number, limit: number): Promise<StreamPage> {
    const q = new URLSearchParams({ appKey, userId, after: String(after), limit: String(limit) });
    return this.http.request<StreamPage>('GET', `/internal/v1/streams/events?${q}`);
  }

  /** The compensation window (app setting) of a device that connects without a cursor. */
  window(appKey: string, userId: string, limit: number): Promise<CompensationWindow> {
    const q = new URLSearchParams({ appKey, userId, limit: String(limit) });
    return this.http.request<CompensationWindow>('GET', `/internal/v1/streams/window?${q}`);
  }

  onApplicationShutdown(): Promise<void> {
    return this.http.close();
  }
}

type BatchResult = ({ ok: true } & SendResult) | { ok: false; code: ErrorCode; message: string };

/**
 * A batch of sends stays well under ingestion's 512 KiB body limit. An item is serialised once, when
 * it is queued; a send that alone is larger (content over any app's limit, numbers that grew when
 * re-serialised) is refused here as too large, and never rides with others.
 */
export const SEND_BATCH_MAX_BYTES = 384 * 1024;
const SEND_BATCH_MAX_ITEMS = 200;

/**
 * Forwards device sends to ingestion, which validates, stores and publishes them. Sends of all the
 * devices on this gateway that arrive while a request is in flight go together in the next one;
 * ingestion answers each item on its own, so one device's bad send fails only that send.
 */
@Injectable()
export class IngestionClient implements OnApplicationShutdown {
  private readonly http: InternalHttpClient;
  private readonly log = loggerFor('IngestionClient');
  private readonly batcher: Coalescer<string, BatchResult>;

  constructor(@Inject(SESSION_CONFIG) config: SessionConfig) {
    this.http = new InternalHttpClient(config.INGESTION_URL, config.INTERNAL_API_TOKEN);
    this.batcher = new Coalescer<string, BatchResult>((items) => this.post(items), SEND_BATCH_MAX_ITEMS, {
      bytes: { size: (item) => Buffer.byteLength(item), maxBytes: SEND_BATCH_MAX_BYTES },
      minIntervalMs: config.INGESTION_BATCH_INTERVAL_MS,
    });
  }

  private async post(items: string[]): Promise<BatchResult[]> {
    try {
      const { results } = await this.http.request<{ results: BatchResult[] }>('POST', '/internal/v1/messages/batch', undefined, `{"messages":[${items.join(',')}]}`);
      return results;
    } catch (err) {
      this.log.warn({ err, items: items.length }, 'a batch of sends failed as a whole');
      throw err;
    }
  }

  async send(body: Record<string, unknown>): Promise<SendResult> {
    const item = JSON.stringify(body);
    const bytes = Buffer.byteLength(item);
    if (bytes > SEND_BATCH_MAX_BYTES) throw new DomainError(ErrorCodes.CONTENT_TOO_LARGE, `the send is over ${SEND_BATCH_MAX_BYTES} bytes`);
    const result = await this.batcher.add(item, bytes);
    if (!result.ok) throw new DomainError(result.code, result.message);
    const { ok: _ok, ...sent } = result;
    return sent;
  }

  onApplicationShutdown(): Promise<void> {
    return this.http.close();
  }
}
