import type { ConversationType } from '@msync/contracts';

/** What decides a message's recipients: its conversation and how it was sent. */
export interface Audience {
  conversationType: ConversationType;
  senderId: string;
  targetId: string;
  includeSender: boolean;
  toUserIds?: string[];
}

/**
 * Who gets a message (and later its recall) in their stream. Private/system: the target; group: the
 * members whose stay covers the send time (or the targeted subset of them). The sender is added when
 * `includeSender` (device sends with multi-device sync on, or Server API `isIncludeSender=1`) and
 * removed otherwise.
 */
export function recipientsOf(audience: Audience, groupMembersAtSend: string[] | undefined): string[] {
  const set = new Set<string>();
  if (audience.conversationType === 'group') {
    const members = groupMembersAtSend ?? [];
    const targeted = audience.toUserIds ? new Set(audience.toUserIds) : undefined;
    for (const m of members) if (!targeted || targeted.has(m)) set.add(m);
    set.delete(audience.senderId);
  } else {
    set.add(audience.targetId);
  }
  if (audience.includeSender) set.add(audience.senderId);
  return [...set];
}
