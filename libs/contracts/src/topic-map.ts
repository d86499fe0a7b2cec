import { z } from 'zod';
import { Topics } from './topics';
import { conversationRecordSchema } from './events/message-accepted.event';
import { streamAppendSchema, userEventSchema } from './events/stream-event';
import { transientDeliverySchema } from './events/transient.event';
import { appSettingsChangedSchema } from './events/app-settings.event';
import { deviceControlSchema } from './events/device-control.event';
import { inboundCommandSchema } from './events/inbound-command';

/** Topic -> value schema. Producers and consumers are typed by it, so a wrong payload is a compile error. */
export const topicSchemas = {
  [Topics.inboundCommands]: inboundCommandSchema,
  [Topics.messagesAccepted]: conversationRecordSchema,
  [Topics.streamAppends]: streamAppendSchema,
  [Topics.userEvents]: userEventSchema,
  [Topics.transientDeliveries]: transientDeliverySchema,
  [Topics.appSettings]: appSettingsChangedSchema,
  [Topics.deviceControl]: deviceControlSchema,
} as const;

export type SchemaTopic = keyof typeof topicSchemas;
export type TopicValue<T extends SchemaTopic> = z.infer<(typeof topicSchemas)[T]>;
/** What a producer may hand in: defaults not yet applied. */
export type TopicInput<T extends SchemaTopic> = z.input<(typeof topicSchemas)[T]>;
