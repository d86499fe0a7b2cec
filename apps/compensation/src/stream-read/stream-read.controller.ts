import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { appKeySchema, userIdSchema, type CompensationWindow, type StreamPage } from '@msync/contracts';
import { AppDirectory, InternalTokenGuard } from '@msync/platform';
import { StreamRepository } from '@msync/persistence';
import { parseInput } from '@msync/service-kit';
import { COMPENSATION_CONFIG, type CompensationConfig } from '../config';
import { CompensationWindowService } from '../window/compensation-window.service';

const DAY_MS = 86_400_000;

const userQuerySchema = z.strictObject({ appKey: appKeySchema, userId: userIdSchema });

const pageQuerySchema = z.strictObject({
  appKey: appKeySchema,
  userId: userIdSchema,
  after: z.coerce.number().int().min(0),
  limit: z.coerce.number().int().min(1).default(500),
});

/**
 * The read path of user streams for the gateways: events after a cursor, oldest first, a page at
 * a time, with the app's retention applied; and the compensation window of a device without a cursor.
 */
@Controller('internal/v1/streams')
@UseGuards(InternalTokenGuard)
export class StreamReadController {
  constructor(
    private readonly streams: StreamRepository,
    private readonly apps: AppDirectory,
    private readonly windows: CompensationWindowService,
    @Inject(COMPENSATION_CONFIG) private readonly config: CompensationConfig,
  ) {}

  @Get('events')
  async events(@Query() query: unknown): Promise<StreamPage> {
    const q = parseInput(pageQuerySchema, query);
    const app = await this.apps.require(q.appKey);
    const limit = Math.min(q.limit, this.config.STREAM_PAGE_MAX);
    const notBefore = new Date(Date.now() - app.settings.retentionDays * DAY_MS);
    const [events, head] = await Promise.all([
      this.streams.readAfter(q.appKey, q.userId, q.after, limit, notBefore),
      this.streams.head(q.appKey, q.userId),
    ]);
    return { events, head, complete: events.length < limit || events[events.length - 1].seq >= head };
  }

  /** The compensation window of a device without a cursor: where its replay starts, and its channel list. */
  @Get('window')
  async window(@Query() query: unknown): Promise<CompensationWindow> {
    const q = parseInput(userQuerySchema, query);
    return this.windows.window(q.appKey, q.userId);
  }
}
