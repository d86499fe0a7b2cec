import { MemoryCursorStore, SyncClient, SyncClientError, type SyncClientStats } from '@msync/client';
import type { Platform } from '@msync/contracts';
import type { ManagementClient } from '../management-client';
import { sleep } from '../wait';
import type { ChaosDelivery, ChaosDeviceLog, ChaosMessage } from './checker';
import type { Rng } from './rng';

export interface ChaosLoadOptions {
  wsUrl: string;
  mgmt: ManagementClient;
  /** Prefix of every user and group id (unique per run). */
  runId: string;
  users: number;
  /** 1-3 devices per user (mobile, desktop, web: one per platform, so the login policy keeps them all). */
  devicesPerUser: number;
  /** Members of the one group conversation (0: private conversations only). */
  groupSize: number;
  ratePerS: number;
  /** Share of accepted messages their sender device recalls. */
  recallRatio: number;
  /** Every this often one device drops its connection and reconnects with its cursor (0: never). */
  churnEveryMs: number;
  rng: Rng;
  /** A send unanswered this long after it was created is given up (counted, never expected). */
  giveUpMs: number;
  /** Messages waiting in one lane beyond this are not created (counted as skipped). */
  maxLaneQueue: number;
}

/** The shape of a load, as the fault and scaling runs configure it. */
export type ChaosLoadShape = Pick<ChaosLoadOptions, 'users' | 'devicesPerUser' | 'groupSize' | 'ratePerS' | 'recallRatio' | 'churnEveryMs' | 'giveUpMs'>;

/** What a fault run and a scaling run both take: the load's shape and the run's pacing and output. */
export interface LoadRunOptions extends ChaosLoadShape {
  seed: number;
  /** Load before the first fault or change. */
  warmupMs: number;
  /** Load after a fault recovered or a change is done, before the next one. */
  settleMs: number;
  /** At the end: how long to wait for the last sends to be answered, then for every delivery. */
  drainTimeoutMs: number;
  deliveryTimeoutMs: number;
  logDir?: string;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
  serviceEnv?: Record<string, string>;
}

/** A load of that shape on one system (lanes capped at 200 waiting messages). */
export function chaosLoadFor(shape: ChaosLoadShape, on: Pick<ChaosLoadOptions, 'wsUrl' | 'mgmt' | 'runId' | 'rng'>): ChaosLoad {
  const { users, devicesPerUser, groupSize, ratePerS, recallRatio, churnEveryMs, giveUpMs } = shape;
  return new ChaosLoad({ ...on, users, devicesPerUser, groupSize, ratePerS, recallRatio, churnEveryMs, giveUpMs, maxLaneQueue: 200 });
}

/** Codes a real client answers by sending again with the same clientMsgId (after a delay). */
const RETRYABLE = new Set(['unavailable', 'internal', 'timeout', 'client_closed', 'not_connected', 'socket_error', 'connection_closed', 'rate_limited']);
const PLATFORMS: Platform[] = ['mobile', 'desktop', 'web'];

export class ChaosDevice {
  readonly deliveries: ChaosDelivery[] = [];
  readonly kicks: string[] = [];
  readonly messageUids = new Set<string>();
  readonly recallUids = new Set<string>();
  churning = false;

  constructor(
    readonly key: string,
    readonly user: string,
    readonly client: SyncClient,
    private readonly onDelivery: (device: ChaosDevice, delivery: ChaosDelivery) => void,
  ) {
    client.on('event', (frame) => {
      const body = frame.body;
      if (body.type === 'message') this.record({ seq: frame.seq, kind: 'event', type: 'message', messageUid: body.message.messageUid, clientMsgId: body.message.clientMsgId, at: Date.now() });
      else if (body.type === 'recall') this.record({ seq: frame.seq, kind: 'event', type: 'recall', messageUid: body.messageUid, at: Date.now() });
      else this.record({ seq: frame.seq, kind: 'event', type: 'other', messageUid: '', at: Date.now() });
    });
    client.on('own', (frame) => this.record({ seq: frame.seq, kind: 'own', type: 'message', messageUid: frame.messageUid, at: Date.now() }));
    client.on('kicked', (reason) => this.kicks.push(reason));
    client.on('error', () => undefined); // socket errors while a service is down: the client reconnects
  }

  private record(delivery: ChaosDelivery): void {
    this.deliveries.push(delivery);
    if (delivery.type === 'message') this.messageUids.add(delivery.messageUid);
    else if (delivery.type === 'recall') this.recallUids.add(delivery.messageUid);
    this.onDelivery(this, delivery);
  }

  log(): ChaosDeviceLog {
    return { device: this.key, user: this.user, startCursor: 0, deliveries: this.deliveries };
  }
}

interface Lane {
  id: string;
  device: ChaosDevice;
  conversationType: 'private' | 'group';
  targetId: string;
  conversation: string;
  recipients: string[];
  queue: { kind: 'send' | 'recall'; message: ChaosMessage }[];
  nextIndex: number;
  running: boolean;
}

/**
 * Steady load from devices that behave like real clients (the project's SyncClient: reconnect with
 * backoff and the stored cursor, unanswered sends written again after a reconnect), plus what an app
 * does on top: a send that failed (`unavailable`, a timeout, ...) is sent again with the same
 * clientMsgId until it is answered. Each lane (one device in one conversation) sends one message at a
 * time, so a lane's order is the order its messages must have in every stream.
 */
export class ChaosLoad {
  readonly messages: ChaosMessage[] = [];
  readonly devices: ChaosDevice[] = [];
  readonly users: string[] = [];
  readonly errors: { at: number; code: string; op: 'send' | 'recall' }[] = [];
  /** acceptedAt of every message, in time order. */
  readonly acceptLog: number[] = [];
  /** Every applied frame of every device, in time order. */
  readonly deliveryLog: { at: number; messageUid: string }[] = [];
  skipped = 0;
  churns = 0;
  /** `sent` answers with `duplicate: true`: a resend the server recognised by its clientMsgId. */
  duplicateAnswers = 0;
  private readonly byUid = new Map<string, ChaosMessage>();
  private readonly lanes: Lane[] = [];
  private readonly running = new Set<Promise<void>>();
  private generator?: NodeJS.Timeout;
  private churner?: NodeJS.Timeout;
  private aborted = false;

  constructor(private readonly o: ChaosLoadOptions) {}

  /** Creates the users, the group, one token per user, connects every device (replayed to `synced`) and sets up the lanes. */
  async setup(): Promise<void> {
    const o = this.o;
    for (let i = 0; i < o.users; i++) this.users.push(`${o.runId}-u${i}`);
    const conversations: { type: 'private' | 'group'; targetOf: (user: string) => string; id: string; members: string[] }[] = [];
    // A ring of private conversations (each user talks to the next one), both directions in one conversation.
    for (let i = 0; i < o.users; i++) {
      const [a, b] = [this.users[i], this.users[(i + 1) % o.users]];
      if (a === b || (o.users === 2 && i === 1)) continue;
      const members = [a, b].sort();
      conversations.push({ type: 'private', targetOf: (u) => (u === a ? b : a), id: `private:${members[0]}:${members[1]}`, members });
    }
    if (o.groupSize > 1) {
      const groupId = `${o.runId}-g`;
      const members = this.users.slice(0, Math.min(o.groupSize, o.users));
      await o.mgmt.createGroup(groupId, members);
      conversations.push({ type: 'group', targetOf: () => groupId, id: `group:${groupId}`, members });
    }
    for (const user of this.users) {
      const token = await o.mgmt.token(user);
      for (let d = 0; d < Math.min(o.devicesPerUser, PLATFORMS.length); d++) {
        const platform = PLATFORMS[d];
        const client = new SyncClient({
          url: o.wsUrl,
          token,
          platform,
          deviceId: `${platform}-1`,
          cursorStore: new MemoryCursorStore(0),
          reconnect: true,
          backoff: { initialMs: 200, maxMs: 2_000 },
        });
        this.devices.push(new ChaosDevice(`${user}/${platform}`, user, client, (_device, delivery) => this.deliveryLog.push({ at: delivery.at, messageUid: delivery.messageUid })));
      }
    }
    await Promise.all(
      this.devices.map(async (device) => {
        await device.client.connect();
        await device.client.waitForSynced(60_000);
      }),
    );
    for (const device of this.devices) {
      for (const c of conversations) {
        if (!c.members.includes(device.user)) continue;
        this.lanes.push({
          id: `${device.key}|${c.id}`,
          device,
          conversationType: c.type,
          targetId: c.targetOf(device.user),
          conversation: c.id,
          recipients: c.members,
          queue: [],
          nextIndex: 0,
          running: false,
        });
      }
    }
  }

  /** Starts creating messages at the configured rate (and the device churn). */
  start(): void {
    const t0 = Date.now();
    let created = 0;
    this.generator = setInterval(() => {
      const due = Math.floor(((Date.now() - t0) / 1000) * this.o.ratePerS);
      for (; created < due; created++) this.createMessage();
    }, 20);
    if (this.o.churnEveryMs > 0) this.churner = setInterval(() => void this.churnOne(), this.o.churnEveryMs);
  }

  /** Stops creating messages; what is queued is still sent. */
  stopGenerating(): void {
    clearInterval(this.generator);
    clearInterval(this.churner);
  }

  /** Resolves once every lane is empty (every message answered, given up or rejected), or false at the deadline. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0 && Date.now() < deadline) await Promise.race([sleep(200), ...this.running]);
    return this.running.size === 0;
  }

  /** (accepted message, expected device) pairs and recalls not applied yet. */
  undelivered(): number {
    let missing = 0;
    const devicesOf = new Map<string, ChaosDevice[]>();
    for (const d of this.devices) devicesOf.set(d.user, [...(devicesOf.get(d.user) ?? []), d]);
    for (const m of this.messages) {
      if (m.messageUid === undefined) continue;
      for (const user of m.recipients) {
        for (const d of devicesOf.get(user) ?? []) {
          if (!d.messageUids.has(m.messageUid)) missing++;
          if (m.recall?.acceptedAt !== undefined && !d.recallUids.has(m.messageUid)) missing++;
        }
      }
    }
    return missing;
  }

  message(uid: string): ChaosMessage | undefined {
    return this.byUid.get(uid);
  }

  /** First `sent` answer at or after `t`. */
  firstAcceptAt(t: number): number | undefined {
    const i = lowerBound(this.acceptLog, t, (x) => x);
    return this.acceptLog[i];
  }

  /** The longest time in [from, to] without a `sent` answer. */
  sendStall(from: number, to: number): number {
    return longestGap(this.acceptLog, from, to, (x) => x);
  }

  /** The longest time in [from, to] in which no device applied anything. */
  deliveryStall(from: number, to: number): number {
    return longestGap(this.deliveryLog, from, to, (x) => x.at);
  }

  /** First applied frame at or after `t` of a message accepted at or after `t`: new messages flow end to end. */
  firstFreshDeliveryAt(t: number): number | undefined {
    for (let i = lowerBound(this.deliveryLog, t, (x) => x.at); i < this.deliveryLog.length; i++) {
      const acceptedAt = this.byUid.get(this.deliveryLog[i].messageUid)?.acceptedAt;
      if (acceptedAt !== undefined && acceptedAt >= t) return this.deliveryLog[i].at;
    }
    return undefined;
  }

  clientStats(): SyncClientStats {
    const total: SyncClientStats = { eventsApplied: 0, ownApplied: 0, duplicatesDropped: 0, gapsDetected: 0, unknownFrames: 0, reconnects: 0, acksSent: 0, requestsRetried: 0 };
    for (const d of this.devices) {
      const s = d.client.stats;
      for (const k of Object.keys(total) as (keyof SyncClientStats)[]) total[k] += s[k];
    }
    return total;
  }

  deviceLogs(): ChaosDeviceLog[] {
    return this.devices.map((d) => d.log());
  }

  /** Stops everything: no more sends or retries, every device closed. */
  async close(): Promise<void> {
    this.stopGenerating();
    this.aborted = true;
    await Promise.all(this.devices.map((d) => d.client.close().catch(() => undefined)));
    await this.drain(15_000);
  }

  private createMessage(): void {
    const lane = this.o.rng.pick(this.lanes);
    if (lane.queue.length >= this.o.maxLaneQueue) {
      this.skipped++;
      return;
    }
    const laneIndex = lane.nextIndex++;
    const message: ChaosMessage = {
      clientMsgId: `${this.o.runId}-m${this.messages.length}`,
      lane: lane.id,
      laneIndex,
      conversation: lane.conversation,
      senderUser: lane.device.user,
      senderDevice: lane.device.key,
      recipients: lane.recipients,
      createdAt: Date.now(),
      answeredUids: [],
    };
    this.messages.push(message);
    this.enqueue(lane, { kind: 'send', message });
  }

  private enqueue(lane: Lane, op: Lane['queue'][number]): void {
    lane.queue.push(op);
    if (lane.running) return;
    lane.running = true;
    const worker = this.runLane(lane).finally(() => {
      lane.running = false;
      this.running.delete(worker);
    });
    this.running.add(worker);
  }

  private async runLane(lane: Lane): Promise<void> {
    while (lane.queue.length > 0 && !this.aborted) {
      const op = lane.queue[0];
      if (op.kind === 'send') await this.send(lane, op.message);
      else await this.recall(lane, op.message);
      lane.queue.shift();
    }
    for (const op of lane.queue.splice(0)) {
      if (op.kind === 'send') op.message.unanswered = true;
    }
  }

  private async send(lane: Lane, m: ChaosMessage): Promise<void> {
    let delay = 200;
    for (;;) {
      try {
        const answer = await lane.device.client.send({
          conversationType: lane.conversationType,
          targetId: lane.targetId,
          objectName: 'RC:TxtMsg',
          content: { content: `chaos ${m.lane} #${m.laneIndex}`, lane: m.lane, n: m.laneIndex },
          clientMsgId: m.clientMsgId,
        });
        if (!m.answeredUids.includes(answer.messageUid)) m.answeredUids.push(answer.messageUid);
        if (answer.duplicate) this.duplicateAnswers++;
        if (m.acceptedAt === undefined) {
          m.acceptedAt = Date.now();
          m.messageUid = answer.messageUid;
          this.byUid.set(answer.messageUid, m);
          this.acceptLog.push(m.acceptedAt);
          if (this.o.recallRatio > 0 && this.o.rng.next() < this.o.recallRatio) {
            m.recall = { requestedAt: 0 };
            lane.queue.push({ kind: 'recall', message: m });
          }
        }
        return;
      } catch (err) {
        const code = err instanceof SyncClientError ? err.code : 'exception';
        this.errors.push({ at: Date.now(), code, op: 'send' });
        if (!RETRYABLE.has(code)) {
          m.rejected = code;
          return;
        }
        if (this.aborted || Date.now() - m.createdAt > this.o.giveUpMs) {
          m.unanswered = true;
          return;
        }
        await sleep(this.o.rng.jitter(delay));
        delay = Math.min(delay * 2, 2_000);
      }
    }
  }

  private async recall(lane: Lane, m: ChaosMessage): Promise<void> {
    const recall = (m.recall ??= { requestedAt: 0 });
    recall.requestedAt = Date.now();
    let delay = 200;
    for (;;) {
      try {
        await lane.device.client.recall(m.messageUid!);
        recall.acceptedAt = Date.now();
        return;
      } catch (err) {
        const code = err instanceof SyncClientError ? err.code : 'exception';
        this.errors.push({ at: Date.now(), code, op: 'recall' });
        if (!RETRYABLE.has(code)) {
          recall.rejected = code;
          return;
        }
        if (this.aborted || Date.now() - recall.requestedAt > this.o.giveUpMs) {
          recall.unanswered = true;
          return;
        }
        await sleep(this.o.rng.jitter(delay));
        delay = Math.min(delay * 2, 2_000);
      }
    }
  }

  /** A device loses its connection (app in the background, a network change) and comes back with its cursor. */
  private async churnOne(): Promise<void> {
    const device = this.o.rng.pick(this.devices);
    if (device.churning || device.kicks.length > 0) return;
    device.churning = true;
    this.churns++;
    try {
      await device.client.close();
      void device.client.connect().catch(() => undefined);
    } finally {
      device.churning = false;
    }
  }
}

function longestGap<T>(items: readonly T[], from: number, to: number, at: (item: T) => number): number {
  let previous = from;
  let longest = 0;
  for (let i = lowerBound(items, from, at); i < items.length && at(items[i]) <= to; i++) {
    longest = Math.max(longest, at(items[i]) - previous);
    previous = at(items[i]);
  }
  return Math.max(longest, to - previous);
}

function lowerBound<T>(items: readonly T[], t: number, at: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at(items[mid]) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
