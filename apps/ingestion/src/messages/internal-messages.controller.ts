import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, appKeySchema, deviceIdSchema, sendFrameSchema, userIdSchema } from '@msync/contracts';
import { parseInput } from '@msync/service-kit';
import { InternalTokenGuard } from '@msync/platform';
import { AcceptMessageUseCase } from './accept-message.usecase';


/** What the session gateway forwards for a device `send` frame. */
export const deviceSendSchema = sendFrameSchema.omit({ t: true, id: true }).extend({
  appKey: appKeySchema,
  senderId: userIdSchema,
  senderDeviceId: deviceIdSchema,
  includeSender: z.boolean(),
  /** Started by the gateway; carried in Kafka headers through fan-out. */
  traceId: z.string().max(64).optional(),
});
export type DeviceSend = z.infer<typeof deviceSendSchema>;
const batchSchema = z.strictObject({ messages: z.array(z.unknown()).min(1).max(500) });

@Controller('internal/v1')
@UseGuards(InternalTokenGuard)
export class InternalMessagesController {
  constructor(private readonly accept: AcceptMessageUseCase) {}

  /** Many devices' sends in one request (gateways coalesce them); each item is answered on its own. */
  @Post('messages/batch')
  @HttpCode(200)
  async sendMany(@Body() body: unknown) {
    const { messages } = parseInput(batchSchema, body);
    const parsed = messages.map((m) => {
      try {
        return parseInput(deviceSendSchema, m);
      } catch (err) {
        return err as DomainError;
      }
    });
    const inputs = parsed.filter((p): p is DeviceSend => !(p instanceof DomainError));
    const accepted = await this.accept.executeMany(inputs);
    let next = 0;
    return {
      results: parsed.map((p) => {
        const r = p instanceof DomainError ? p : accepted[next++];
        return r instanceof DomainError ? { ok: false, code: r.code, message: r.message } : { ok: true, ...r };
      }),
    };
  }
}
