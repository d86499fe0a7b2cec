import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { appKeySchema, userIdSchema, type CompensationWindow, type StreamPage } from '@msync/contracts';
import { InternalTokenGuard } from '@msync/platform';
import { parseInput } from '@msync/service-kit';
import { CompensationWindowService } from '../window/compensation-window.service';
import { StreamPageReader } from './stream-page.reader';

const limit = z.coerce.number().int().min(1).default(500);
const windowQuerySchema = z.strictObject({ appKey: appKeySchema, userId: userIdSchema, limit });
const pageQuerySchema = windowQuerySchema.extend({ after: z.coerce.number().int().min(0) });

/**
 * The read path of user streams for the gateways: events after a cursor, oldest first, a page at
 * a time, with the app's retention applied; and the compensation window of a device without a cursor.
 */
@Controller('internal/v1/streams')
@UseGuards(InternalTokenGuard)
export class StreamReadController {
  constructor(
    private readonly pages: StreamPageReader,
    private readonly windows: CompensationWindowService,
  ) {}

  @Get('events')
  events(@Query() query: unknown): Promise<StreamPage> {
    const q = parseInput(pageQuerySchema, query);
    return this.pages.page(q.appKey, q.userId, q.after, q.limit);
  }

  /** The compensation window of a device without a cursor: where its replay starts, its channel list, its first page. */
  @Get('window')
  window(@Query() query: unknown): Promise<CompensationWindow> {
    const q = parseInput(windowQuerySchema, query);
    return this.windows.window(q.appKey, q.userId, q.limit);
  }
}
