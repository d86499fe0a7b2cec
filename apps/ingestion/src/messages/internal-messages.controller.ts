import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { appKeySchema, deviceIdSchema, sendFrameSchema, userIdSchema } from '@msync/contracts';
import { parseInput, withLogContext } from '@msync/service-kit';
import { InternalTokenGuard } from '@msync/platform';
import { AcceptMessageUseCase } from './accept-message.usecase';


/** What the session gateway forwards for a device `send` frame. */
export const deviceSendSchema = sendFrameSchema.omit({ t: true, id: true }).extend({
  appKey: appKeySchema,
  senderId: userIdSchema,
  senderDeviceId: deviceIdSchema,
  includeSender: z.boolean(),
});
export type DeviceSend = z.infer<typeof deviceSendSchema>;

@Controller('internal/v1')
@UseGuards(InternalTokenGuard)
export class InternalMessagesController {
  constructor(private readonly accept: AcceptMessageUseCase) {}

  @Post('messages')
  @HttpCode(200)
  send(@Body() body: unknown) {
    const input = parseInput(deviceSendSchema, body);
    return withLogContext({ appKey: input.appKey, userId: input.senderId, deviceId: input.senderDeviceId }, () => this.accept.execute(input));
  }
}
