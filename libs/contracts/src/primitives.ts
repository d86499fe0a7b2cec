import { z } from 'zod';

/** App keys are public identifiers; secrets never travel on Kafka. */
export const appKeySchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'appKey: 1-64 of A-Z a-z 0-9 _ -');
/** User ids follow the Server API rule (letters, digits and + = - _ |), plus . and @. */
export const userIdSchema = z.string().regex(/^[A-Za-z0-9+=_|.@-]{1,64}$/, 'userId: 1-64 of A-Z a-z 0-9 + = - _ | . @');
export const groupIdSchema = userIdSchema;
export const deviceIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'deviceId: 1-128 of A-Z a-z 0-9 _ . : -');
export const messageUidSchema = z.string().regex(/^[A-Z0-9-]{8,64}$/, 'messageUid: server-assigned UID');
export const objectNameSchema = z.string().min(1).max(32);
export const conversationTypeSchema = z.enum(['private', 'group', 'system']);
export type ConversationType = z.infer<typeof conversationTypeSchema>;
export const platformSchema = z.enum(['mobile', 'web', 'desktop', 'miniprogram']);
export type Platform = z.infer<typeof platformSchema>;
/** Epoch milliseconds. */
export const epochMsSchema = z.number().int().nonnegative();
