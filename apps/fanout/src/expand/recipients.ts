import type { MessageAcceptedEvent } from '@msync/contracts';

/**
 * Who gets a message in their stream. Private/system: the target; group: the members whose stay
 * covers the send time (or the targeted subset of them). The sender is added when `includeSender`
 * (device sends with multi-device sync on, or Server API `isIncludeSender=1`) and removed otherwise.
 */
export function recipientsOf(event: MessageAcceptedEvent, groupMembersAtSend: string[] | undefined): string[] {
  const { message } = event;
  const set = new Set<string>();
  if (message.conversationType === 'group') {
    const members = groupMembersAtSend ?? [];
    const targeted = event.toUserIds ? new Set(event.toUserIds) : undefined;
    for (const m of members) if (!targeted || targeted.has(m)) set.add(m);
    set.delete(message.senderId);
  } else {
    set.add(message.targetId);
  }
  if (event.includeSender) set.add(message.senderId);
  return [...set];
}
