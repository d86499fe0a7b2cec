import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type CompensationWindow, type ErrorCode, type StreamPage } from '@msync/contracts';
import { Coalescer } from '@msync/service-kit';
import { InternalHttpClient } from '@msync/platform';
import { SESSION_CONFIG, type SessionConfig } from '../config';

export interface SendResult {
  messageUid: string;
  sentAt: number;
  duplicate: boolean;
}

/** Reads a user's stream through the compensation service (the owner of the read path). */
@Injectable()
export class StreamReader {
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
}

type BatchResult = ({ ok: true } & SendResult) | { ok: false; code: ErrorCode; message: string };

/**
 * Forwards device sends to ingestion, which validates, stores and publishes them. Sends of all the
 * devices on this gateway that arrive while a request is in flight go together in the next one.
 */
@Injectable()
export class IngestionClient {
  private readonly http: InternalHttpClient;
  private readonly batcher = new Coalescer<Record<string, unknown>, BatchResult>(async (messages) => {
    const { results } = await this.http.request<{ results: BatchResult[] }>('POST', '/internal/v1/messages/batch', { messages });
    return results;
  }, 200);

  constructor(@Inject(SESSION_CONFIG) config: SessionConfig) {
    this.http = new InternalHttpClient(config.INGESTION_URL, config.INTERNAL_API_TOKEN);
  }

  async send(body: Record<string, unknown>): Promise<SendResult> {
    const result = await this.batcher.add(body);
    if (!result.ok) throw new DomainError(result.code, result.message);
    const { ok: _ok, ...sent } = result;
    return sent;
  }
}
