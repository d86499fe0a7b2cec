import type { ConversationType } from './primitives';

/** Kafka keys: one place decides what shares a partition (and therefore an order). */
export const userKey = (appKey: string, userId: string): string => `${appKey}:${userId}`;

/** Private conversations are keyed by the unordered pair so both directions share one order. */
export function conversationKey(appKey: string, type: ConversationType, senderId: string, targetId: string): string {
  if (type === 'private') {
    const [a, b] = senderId < targetId ? [senderId, targetId] : [targetId, senderId];
    return `${appKey}:private:${a}:${b}`;
  }
  return `${appKey}:${type}:${targetId}`;
}
