import { Inject, Injectable } from '@nestjs/common';
import { InternalHttpClient } from '@msync/platform';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';

export interface RecallRequest {
  appKey: string;
  messageUid: string;
  /** The recalling user, who must be the sender; absent: the app recalls as administrator. */
  userId?: string;
}

/** Recalls go to the recall service (it owns the rules); this is its client for ingestion. */
@Injectable()
export class RecallClient {
  private readonly http: InternalHttpClient;

  constructor(@Inject(INGESTION_CONFIG) config: IngestionConfig) {
    this.http = new InternalHttpClient(config.RECALL_URL, config.INTERNAL_API_TOKEN);
  }

  recall(req: RecallRequest): Promise<{ messageUid: string; recalledAt: number }> {
    return this.http.request('POST', '/internal/v1/recalls', req);
  }
}
