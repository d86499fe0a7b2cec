/**
 * The invariants of the chaos test, checked on what the load generator recorded (pure: no I/O, so a
 * unit spec can feed it synthetic runs). See docs/benchmarks.md ("Fault test").
 */

/** One message the load generator created: a lane is one sender device in one conversation, sending one message at a time. */
export interface ChaosMessage {
  clientMsgId: string;
  lane: string;
  /** Position in the lane: message n+1 was created only after message n was answered `sent` (or given up). */
  laneIndex: number;
  /** `private:<a>:<b>` (users sorted) or `group:<id>`. */
  conversation: string;
  senderUser: string;
  senderDevice: string;
  /** Users whose streams must hold the message (the sender included: device sends sync to the sender's other devices). */
  recipients: string[];
  createdAt: number;
  /** When the first `sent` answer arrived. */
  acceptedAt?: number;
  /** The UID of the first `sent` answer. */
  messageUid?: string;
  /** Every distinct UID answered for this clientMsgId (more than one: the dedup failed). */
  answeredUids: string[];
  /** A non-retryable error code the send ended with. */
  rejected?: string;
  /** No answer before the generator gave up. */
  unanswered?: boolean;
  /** A recall of the message by its sender device, when the generator chose to recall it. */
  recall?: { requestedAt: number; acceptedAt?: number; rejected?: string; unanswered?: boolean };
}

/** One frame a device applied (the client library drops seq <= cursor and never applies past a hole). */
export interface ChaosDelivery {
  seq: number;
  kind: 'event' | 'own';
  type: 'message' | 'recall' | 'other';
  messageUid: string;
  /** From the event's message body, when it carries one. */
  clientMsgId?: string;
  at: number;
}

export interface ChaosDeviceLog {
  device: string;
  user: string;
  /** The cursor the device started from (its first delivery must be startCursor + 1). */
  startCursor: number;
  deliveries: ChaosDelivery[];
}

/** A row of a user's stored stream (stream_events). */
export interface StoredStreamEvent {
  seq: number;
  type: string;
  messageUid: string;
}

export interface CheckInput {
  messages: readonly ChaosMessage[];
  devices: readonly ChaosDeviceLog[];
  /** The users' stored streams, by user id (optional: the stream-level checks run only with it). */
  streams?: Readonly<Record<string, readonly StoredStreamEvent[]>>;
}

export interface CheckResult {
  /** Messages the generator created. */
  sent: number;
  /** Messages answered `sent`. */
  accepted: number;
  unanswered: number;
  rejected: number;
  /** (accepted message, expected device) pairs the device never applied. */
  lost: number;
  /** (message, device) pairs applied more than once, plus extra messages created for one clientMsgId. */
  duplicated: number;
  /** Seq numbers missing from a stored stream, plus jumps in what a device applied. */
  gaps: number;
  /** Pairs out of order: a lane's messages against their send order, a conversation's messages against another device's order, a recall before its message. */
  reordered: number;
  /** Seqs where two devices of one user applied different events. */
  divergent: number;
  recalls: { accepted: number; lost: number; duplicated: number };
  stream: { users: number; events: number; lost: number; duplicated: number; gaps: number };
  /** Up to 10 examples of each kind of failure, for the report. */
  examples: Record<'lost' | 'duplicated' | 'gaps' | 'reordered' | 'divergent' | 'recalls' | 'stream', string[]>;
}

export function checkFailures(r: CheckResult): string[] {
  const failures: string[] = [];
  const add = (name: string, n: number) => n > 0 && failures.push(`${name}: ${n}`);
  add('lost', r.lost);
  add('duplicated', r.duplicated);
  add('gaps', r.gaps);
  add('reordered', r.reordered);
  add('divergent', r.divergent);
  add('recalls lost', r.recalls.lost);
  add('recalls duplicated', r.recalls.duplicated);
  add('stream lost', r.stream.lost);
  add('stream duplicated', r.stream.duplicated);
  add('stream gaps', r.stream.gaps);
  return failures;
}

const MAX_EXAMPLES = 10;

export function checkChaosRun(input: CheckInput): CheckResult {
  const examples: CheckResult['examples'] = { lost: [], duplicated: [], gaps: [], reordered: [], divergent: [], recalls: [], stream: [] };
  const note = (kind: keyof CheckResult['examples'], text: string) => {
    if (examples[kind].length < MAX_EXAMPLES) examples[kind].push(text);
  };
  const accepted = input.messages.filter((m) => m.messageUid !== undefined && m.acceptedAt !== undefined);
  const byUid = new Map(accepted.map((m) => [m.messageUid!, m]));
  const byClientId = new Map(input.messages.map((m) => [m.clientMsgId, m]));
  let lost = 0;
  let duplicated = 0;
  let gaps = 0;
  let reordered = 0;
  let divergent = 0;
  const recalls = { accepted: 0, lost: 0, duplicated: 0 };

  // A clientMsgId answered with two UIDs: the server created the message twice.
  for (const m of input.messages) {
    if (m.answeredUids.length > 1) {
      duplicated += m.answeredUids.length - 1;
      note('duplicated', `clientMsgId ${m.clientMsgId} answered with ${m.answeredUids.join(', ')}`);
    }
  }
  const extraUids = new Set<string>();

  const recalled = accepted.filter((m) => m.recall?.acceptedAt !== undefined);
  recalls.accepted = recalled.length;

  // Per device: gap-free, each message once, every expected message, recalls after their message.
  const lanes = groupBy(accepted, (m) => m.lane);
  for (const lane of lanes.values()) lane.sort((a, b) => a.laneIndex - b.laneIndex);
  for (const device of input.devices) {
    let expectedSeq = device.startCursor + 1;
    const messageSeqs = new Map<string, number[]>();
    const recallSeqs = new Map<string, number[]>();
    for (const d of device.deliveries) {
      if (d.seq !== expectedSeq) {
        gaps += Math.max(1, Math.abs(d.seq - expectedSeq));
        note('gaps', `${device.device}: applied seq ${d.seq} after ${expectedSeq - 1}`);
      }
      expectedSeq = d.seq + 1;
      if (d.type === 'message') push(messageSeqs, d.messageUid, d.seq);
      else if (d.type === 'recall') push(recallSeqs, d.messageUid, d.seq);
      // The event carries the clientMsgId: a UID other than the one answered is a second copy of the message.
      if (d.type === 'message' && d.clientMsgId) {
        const m = byClientId.get(d.clientMsgId);
        if (m?.messageUid !== undefined && m.messageUid !== d.messageUid && !m.answeredUids.includes(d.messageUid) && !extraUids.has(d.messageUid)) {
          extraUids.add(d.messageUid);
          duplicated += 1;
          note('duplicated', `clientMsgId ${d.clientMsgId}: answered ${m.messageUid}, but ${device.device} got ${d.messageUid} too`);
        }
      }
    }
    for (const [uid, seqs] of messageSeqs) {
      if (seqs.length > 1) {
        duplicated += seqs.length - 1;
        note('duplicated', `${device.device}: message ${uid} at seqs ${seqs.join(', ')}`);
      }
    }
    for (const m of accepted) {
      if (!m.recipients.includes(device.user)) continue;
      if (!messageSeqs.has(m.messageUid!)) {
        lost += 1;
        note('lost', `${device.device}: message ${m.messageUid} (${m.clientMsgId}, ${m.conversation}, accepted at ${m.acceptedAt})`);
      }
    }
    for (const m of recalled) {
      if (!m.recipients.includes(device.user)) continue;
      const seqs = recallSeqs.get(m.messageUid!) ?? [];
      if (seqs.length === 0) {
        recalls.lost += 1;
        note('recalls', `${device.device}: no recall event for ${m.messageUid}`);
      } else if (seqs.length > 1) {
        recalls.duplicated += seqs.length - 1;
        note('recalls', `${device.device}: recall of ${m.messageUid} at seqs ${seqs.join(', ')}`);
      }
      const messageSeq = messageSeqs.get(m.messageUid!)?.[0];
      if (seqs.length > 0 && messageSeq !== undefined && seqs[0] < messageSeq) {
        reordered += 1;
        note('reordered', `${device.device}: recall of ${m.messageUid} at seq ${seqs[0]} before the message at ${messageSeq}`);
      }
    }
    // A lane's messages in the order they were sent (each was sent after the previous one was accepted).
    for (const lane of lanes.values()) {
      let previous: { uid: string; seq: number } | undefined;
      for (const m of lane) {
        const seq = messageSeqs.get(m.messageUid!)?.[0];
        if (seq === undefined) continue;
        if (previous && seq < previous.seq) {
          reordered += 1;
          note('reordered', `${device.device}: lane ${m.lane}: ${m.messageUid} (#${m.laneIndex}) at seq ${seq} before ${previous.uid} at ${previous.seq}`);
        }
        previous = { uid: m.messageUid!, seq };
      }
    }
  }

  // Every device shows a conversation's messages in one order: compare each device with the one that holds the most.
  const conversations = groupBy(accepted, (m) => m.conversation);
  const orders = input.devices.map((device) => {
    const order = new Map<string, string[]>();
    const seen = new Set<string>();
    for (const d of device.deliveries) {
      if (d.type !== 'message' || seen.has(d.messageUid)) continue;
      seen.add(d.messageUid);
      const m = byUid.get(d.messageUid);
      if (m) push(order, m.conversation, d.messageUid);
    }
    return { device: device.device, order };
  });
  for (const conversation of conversations.keys()) {
    const holders = orders.filter((o) => o.order.has(conversation));
    if (holders.length < 2) continue;
    const reference = holders.reduce((a, b) => (b.order.get(conversation)!.length > a.order.get(conversation)!.length ? b : a));
    const position = new Map(reference.order.get(conversation)!.map((uid, i) => [uid, i]));
    for (const other of holders) {
      if (other === reference) continue;
      const list = other.order.get(conversation)!.filter((uid) => position.has(uid));
      for (let i = 1; i < list.length; i++) {
        if (position.get(list[i])! < position.get(list[i - 1])!) {
          reordered += 1;
          note('reordered', `${conversation}: ${other.device} has ${list[i - 1]} before ${list[i]}, ${reference.device} the other way round`);
        }
      }
    }
  }

  // Devices of one user apply the same event at the same seq.
  for (const devices of groupBy(input.devices, (d) => d.user).values()) {
    const atSeq = new Map<number, { device: string; key: string }>();
    for (const device of devices) {
      for (const d of device.deliveries) {
        const key = `${d.type}:${d.messageUid}`;
        const first = atSeq.get(d.seq);
        if (!first) atSeq.set(d.seq, { device: device.device, key });
        else if (first.key !== key && first.device !== device.device) {
          divergent += 1;
          note('divergent', `user ${device.user} seq ${d.seq}: ${first.device} applied ${first.key}, ${device.device} ${key}`);
        }
      }
    }
  }

  // The stored streams: 1..head without holes, each message once, every accepted message in every recipient's stream.
  const stream = { users: 0, events: 0, lost: 0, duplicated: 0, gaps: 0 };
  if (input.streams) {
    const users = new Set([...Object.keys(input.streams), ...input.devices.map((d) => d.user)]);
    for (const user of users) {
      const rows = [...(input.streams[user] ?? [])].sort((a, b) => a.seq - b.seq);
      stream.users += 1;
      stream.events += rows.length;
      let expectedSeq = 1;
      const uids = new Map<string, number[]>();
      for (const row of rows) {
        if (row.seq !== expectedSeq) {
          stream.gaps += Math.max(1, Math.abs(row.seq - expectedSeq));
          note('stream', `stream of ${user}: seq ${row.seq} after ${expectedSeq - 1}`);
        }
        expectedSeq = row.seq + 1;
        if (row.type === 'message') push(uids, row.messageUid, row.seq);
      }
      for (const [uid, seqs] of uids) {
        if (seqs.length > 1) {
          stream.duplicated += seqs.length - 1;
          note('stream', `stream of ${user}: message ${uid} at seqs ${seqs.join(', ')}`);
        }
      }
      for (const m of accepted) {
        if (m.recipients.includes(user) && !uids.has(m.messageUid!)) {
          stream.lost += 1;
          note('stream', `stream of ${user}: no event for message ${m.messageUid} (${m.clientMsgId})`);
        }
      }
    }
  }

  return {
    sent: input.messages.length,
    accepted: accepted.length,
    unanswered: input.messages.filter((m) => m.unanswered).length,
    rejected: input.messages.filter((m) => m.rejected !== undefined).length,
    lost,
    duplicated,
    gaps,
    reordered,
    divergent,
    recalls,
    stream,
    examples,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) push(map, key(item), item);
  return map;
}

/** What a fault or scaling run must keep: every count here is 0 when the delivery guarantees held. */
export interface GuaranteeCounts {
  lost: number;
  duplicated: number;
  gaps: number;
  reordered: number;
  divergent: number;
  deadLettered: number;
  recalls: { lost: number; duplicated: number };
  stream: { lost: number; duplicated: number; gaps: number };
  unanswered: number;
  rejected: number;
}

/** The guarantee counts of a run's summary (for one `toEqual(GUARANTEES_KEPT)` in a spec). */
export function guaranteeCounts(summary: GuaranteeCounts): GuaranteeCounts {
  const { lost, duplicated, gaps, reordered, divergent, deadLettered, recalls, stream, unanswered, rejected } = summary;
  return {
    lost,
    duplicated,
    gaps,
    reordered,
    divergent,
    deadLettered,
    recalls: { lost: recalls.lost, duplicated: recalls.duplicated },
    stream: { lost: stream.lost, duplicated: stream.duplicated, gaps: stream.gaps },
    unanswered,
    rejected,
  };
}

export const GUARANTEES_KEPT: GuaranteeCounts = {
  lost: 0,
  duplicated: 0,
  gaps: 0,
  reordered: 0,
  divergent: 0,
  deadLettered: 0,
  recalls: { lost: 0, duplicated: 0 },
  stream: { lost: 0, duplicated: 0, gaps: 0 },
  unanswered: 0,
  rejected: 0,
};
