import { z } from 'zod';
import { appKeySchema, deviceIdSchema, userIdSchema } from '../primitives';

export const kickReasonSchema = z.enum(['logged_in_elsewhere', 'forced_logout', 'user_blocked', 'token_revoked']);
export type KickReason = z.infer<typeof kickReasonSchema>;

/** `im.device-control.v1`: tells every gateway to close sessions it holds. */
export const deviceControlSchema = z.object({
  kind: z.literal('kick'),
  appKey: appKeySchema,
  userId: userIdSchema,
  /** Absent: every device of the user. */
  deviceId: deviceIdSchema.optional(),
  /** Absent: any session of that device; present: only that session (login-policy eviction). */
  sessionId: z.string().optional(),
  reason: kickReasonSchema,
});
export type DeviceControl = z.infer<typeof deviceControlSchema>;
