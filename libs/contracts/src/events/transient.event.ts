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

/** Message types that are always transient (typing indicator). An app can register more. */
export const BUILTIN_TRANSIENT_TYPES: readonly string[] = ['RC:TypSts'];

export function isTransientType(objectName: string, appTransientTypes: readonly string[]): boolean {
  return BUILTIN_TRANSIENT_TYPES.includes(objectName) || appTransientTypes.includes(objectName);
}
