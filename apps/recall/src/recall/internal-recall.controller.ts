import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { appKeySchema, deviceIdSchema, messageUidSchema, userIdSchema } from '@msync/contracts';
import { InternalTokenGuard, RECALLS_PATH } from '@msync/platform';
import { parseInput } from '@msync/service-kit';
import { RecallMessageUseCase } from './recall-message.usecase';

const recallSchema = z.strictObject({
  appKey: appKeySchema,
  messageUid: messageUidSchema,
  userId: userIdSchema.optional(),
  deviceId: deviceIdSchema.optional(),
});

/** Recalls from the gateways (a device of the sender) and from ingestion (the app, as administrator). */
@Controller(RECALLS_PATH)
@UseGuards(InternalTokenGuard)
export class InternalRecallController {
  constructor(private readonly recall: RecallMessageUseCase) {}

  @Post()
  @HttpCode(200)
  create(@Body() body: unknown) {
    return this.recall.execute(parseInput(recallSchema, body));
  }
}
