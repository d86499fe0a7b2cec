import { InternalHttpClient } from './internal-api';

/** The recall service's internal endpoint (served by apps/recall, called by ingestion and the gateways). */
export const RECALLS_PATH = 'internal/v1/recalls';

export interface RecallRequest {
  appKey: string;
  messageUid: string;
  /** The recalling user, who must be the sender; absent: the app recalls as administrator. */
  userId?: string;
  /** The device the recall came from, when it came from one. */
  deviceId?: string;
}

export interface RecallAnswer {
  messageUid: string;
  recalledAt: number;
}

/** Recalls go to the recall service, which owns the rules (only the sender or the app). */
export class RecallClient {
  private readonly http: InternalHttpClient;

  constructor(recallUrl: string, internalToken: string) {
    this.http = new InternalHttpClient(recallUrl, internalToken);
  }

  recall(req: RecallRequest): Promise<RecallAnswer> {
    return this.http.request('POST', `/${RECALLS_PATH}`, req);
  }

  /** Nest calls it at shutdown: closes the kept-alive connections. */
  onApplicationShutdown(): Promise<void> {
    return this.http.close();
  }
}
