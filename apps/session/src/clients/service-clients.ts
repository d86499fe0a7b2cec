import { Inject, Injectable } from '@nestjs/common';
import type { StreamEventBody } from '@msync/contracts';
import { InternalHttpClient } from '@msync/platform';
import { SESSION_CONFIG, type SessionConfig } from '../config';

export interface StreamPage {
  events: { seq: number; occurredAt: number; originDeviceId?: string; body: StreamEventBody }[];
  head: number;
  complete: boolean;
}

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

  async head(appKey: string, userId: string): Promise<number> {
    const q = new URLSearchParams({ appKey, userId });
    return (await this.http.request<{ head: number }>('GET', `/internal/v1/streams/head?${q}`)).head;
  }
}

/** Forwards device sends to ingestion, which validates, stores and publishes them. */
@Injectable()
export class IngestionClient {
  private readonly http: InternalHttpClient;

  constructor(@Inject(SESSION_CONFIG) config: SessionConfig) {
    this.http = new InternalHttpClient(config.INGESTION_URL, config.INTERNAL_API_TOKEN);
  }

  send(body: Record<string, unknown>): Promise<SendResult> {
    return this.http.request<SendResult>('POST', '/internal/v1/messages', body);
  }
}
