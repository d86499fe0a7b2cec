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

/**
 * The record key of an inbound command (`im.inbound.commands.v1`): the conversation, so one
 * conversation's commands keep their order; a recall is keyed by its message.
 */
export function inboundCommandKey(
  cmd: { appKey: string } & ({ command: 'recall-message'; messageUid: string } | { command: string; conversationType: ConversationType; senderId: string; targetId: string }),
): string {
  if ('messageUid' in cmd) return `${cmd.appKey}:recall:${cmd.messageUid}`;
  return conversationKey(cmd.appKey, cmd.conversationType, cmd.senderId, cmd.targetId);
}
