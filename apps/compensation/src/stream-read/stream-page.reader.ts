import { Inject, Injectable } from '@nestjs/common';
import type { StreamPage } from '@msync/contracts';
import { AppDirectory } from '@msync/platform';
import { StreamRepository } from '@msync/persistence';
import { COMPENSATION_CONFIG, type CompensationConfig } from '../config';

const DAY_MS = 86_400_000;

/** One page of a user's stream after a seq, oldest first, with the app's retention applied. */
@Injectable()
export class StreamPageReader {
  constructor(
    private readonly streams: StreamRepository,
    private readonly apps: AppDirectory,
    @Inject(COMPENSATION_CONFIG) private readonly config: CompensationConfig,
  ) {}

  async page(appKey: string, userId: string, after: number, requestedLimit: number): Promise<StreamPage> {
    const app = await this.apps.require(appKey);
    const limit = Math.min(requestedLimit, this.config.STREAM_PAGE_MAX);
    const notBefore = new Date(Date.now() - app.settings.retentionDays * DAY_MS);
    const [events, head] = await Promise.all([this.streams.readAfter(appKey, userId, after, limit, notBefore), this.streams.head(appKey, userId)]);
    return { events, head, complete: events.length < limit || events[events.length - 1].seq >= head };
  }
}
