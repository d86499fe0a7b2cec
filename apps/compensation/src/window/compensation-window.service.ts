import { Inject, Injectable } from '@nestjs/common';
import type { CompensationWindow } from '@msync/contracts';
import { AppDirectory } from '@msync/platform';
import { StreamRepository, appendedSince } from '@msync/persistence';
import { COMPENSATION_CONFIG, type CompensationConfig } from '../config';
import { StreamPageReader } from '../stream-read/stream-page.reader';
import { ChannelListRepository } from './channel-list.repository';

const DAY_MS = 86_400_000;

/**
 * What a device without a cursor (new, or reinstalled and without its local database) starts from:
 * the user's events of the app's compensation window (never older than the retention) and the
 * conversation list rebuilt from them.
 */
@Injectable()
export class CompensationWindowService {
  constructor(
    private readonly apps: AppDirectory,
    private readonly streams: StreamRepository,
    private readonly channels: ChannelListRepository,
    private readonly pages: StreamPageReader,
    @Inject(COMPENSATION_CONFIG) private readonly config: CompensationConfig,
  ) {}

  async window(appKey: string, userId: string, pageSize: number, now = Date.now()): Promise<CompensationWindow> {
    const { settings } = await this.apps.require(appKey);
    const since = new Date(now - Math.min(settings.compensationDays, settings.retentionDays) * DAY_MS);
    const { after, head } = await this.streams.seqBefore(appKey, userId, since);
    const limit = this.config.CHANNEL_LIST_MAX;
    const [channels, firstPage] = await Promise.all([
      head > after ? this.channels.list({ appKey, userId, after, upTo: head, appendedSince: appendedSince(since), limit: limit + 1 }) : [],
      this.pages.page(appKey, userId, after, pageSize),
    ]);
    return { after, head, since: since.getTime(), channels: channels.slice(0, limit), truncated: channels.length > limit, firstPage };
  }
}
