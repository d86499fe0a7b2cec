import { z } from 'zod';
import { appKeySchema, deviceIdSchema, userIdSchema } from '../primitives';
import { messageSchema } from './message';

/** `im.transient.v1`: a message for the devices of one user that are online now. Never stored. */
export const transientDeliverySchema = z.object({
  appKey: appKeySchema,
  userId: userIdSchema,
  message: messageSchema,
  /** The sending device, which must not get its own transient message back. */
  excludeDeviceId: deviceIdSchema.optional(),
});
export type TransientDelivery = z.infer<typeof transientDeliverySchema>;
