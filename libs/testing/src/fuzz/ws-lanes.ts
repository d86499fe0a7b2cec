import WebSocket from 'ws';
import type { RefName } from './json-node';
import { renderFrame, type FrameCase } from './frames';
import { expectationOf, judgeFrame, parseServerFrame, type Expectation, type Observation, type Received, type Violation } from './ws-oracle';

const OPEN_TIMEOUT_MS = 10_000;
const ANSWER_TIMEOUT_MS = 10_000;
/** A send goes through the gateway's batcher, ingestion, PostgreSQL and Kafka. */
const ASYNC_ANSWER_TIMEOUT_MS = 20_000;
/** A pre-hello connection is reused for the next pre-hello frame while it is younger than this (hello timeout: 5 s). */
const PREHELLO_REUSE_MS = 3_000;

/** One WebSocket to the gateway, recording what it receives. */
export class FuzzSocket {
  readonly received: Received[] = [];
  close?: { code: number; reason: string };
  readonly openedAt = Date.now();
  welcomed = false;
  /** Highest seq seen (event / own), for a reconnect without a replay of everything. */
  cursor = 0;
  private waiters: (() => void)[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const r = parseServerFrame(data.toString());
      this.received.push(r);
      const t = r.frame?.t;
      if (t === 'welcome') {
        this.welcomed = true;
        this.cursor = Number(r.frame!.cursor) || 0;
      } else if ((t === 'event' || t === 'own') && typeof r.frame!.seq === 'number') this.cursor = Math.max(this.cursor, r.frame!.seq);
      this.notify();
    });
    ws.on('close', (code: number, reason: Buffer) => {
      this.close = { code, reason: reason.toString() };
      this.notify();
    });
    ws.on('error', () => undefined);
  }

  static open(url: string): Promise<FuzzSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: OPEN_TIMEOUT_MS });
      const socket = new FuzzSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('error', (err) => reject(err));
      ws.once('close', () => reject(new Error('closed before it opened')));
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN && !this.close;
  }

  send(data: string | Buffer, binary: boolean): void {
    this.ws.send(data, { binary }, () => undefined);
  }

  /** Resolves true when `done()` holds (checked on every frame and on close), false at the deadline. */
  waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(check);
    });
  }

  terminate(): void {
    this.ws.terminate();
  }

  closeNormally(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    else this.ws.terminate();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** What a lane knows to fill in references. */
export interface LaneWorld {
  url: () => string;
  /** The lane's authenticated user and the token it connects with. */
  users: string[];
  tokens: string[];
  /** Valid tokens of the users whose hello frames are fuzzed before authentication (one per lane). */
  preTokens: string[];
  otherAppToken: string;
  expiredToken: string;
  revokedToken: string;
  blockedToken: string;
  group: string;
  groupNotMember: string;
  otherUid: string;
  runId: string;
  /** Tokens a valid hello must be welcomed with. */
  goodTokens: Set<string>;
}

export interface FrameResult {
  fc: FrameCase;
  lane: number;
  expectation: Expectation;
  violations: Violation[];
  startedAt: number;
  ms: number;
}

let freshCounter = 0;

/** One concurrent stream of frames: an authenticated session (kept while it lasts) and pre-hello connections. */
export class Lane {
  private authed?: FuzzSocket;
  private pre?: FuzzSocket;
  private readonly ownUids: string[] = [];
  private barrier = 0;
  /** The frame being sent now. */
  inFlight?: FrameCase;
  /** Frames sent in this batch, with when (the suspects when a service dies). */
  readonly sentLog: { at: number; c: FrameCase }[] = [];

  constructor(
    readonly index: number,
    private readonly world: LaneWorld,
    ownUid: string,
  ) {
    this.ownUids.push(ownUid);
  }

  resolve = (name: RefName): string => {
    const w = this.world;
    switch (name) {
      case 'token':
        return w.preTokens[this.index];
      case 'tokenOtherApp':
        return w.otherAppToken;
      case 'tokenExpired':
        return w.expiredToken;
      case 'tokenRevoked':
        return w.revokedToken;
      case 'tokenBlocked':
        return w.blockedToken;
      case 'self':
      case 'user':
        return w.users[this.index];
      case 'peer':
        return w.users[(this.index + 1) % w.users.length];
      case 'group':
        return w.group;
      case 'groupNotMember':
        return w.groupNotMember;
      case 'groupMissing':
        return `${w.runId}-no-such-group`;
      case 'ownUid':
      case 'uid':
        return this.ownUids[this.ownUids.length - 1];
      case 'otherUid':
        return w.otherUid;
      case 'fresh':
        return `${w.runId}-f${++freshCounter}`;
      case 'appKey':
        return 'app';
    }
  };

  async run(c: FrameCase): Promise<FrameResult> {
    const startedAt = Date.now();
    this.inFlight = c;
    this.sentLog.push({ at: startedAt, c });
    const frame = renderFrame(c.payload, this.resolve);
    const expectation = expectationOf(c, frame, { goodTokens: this.world.goodTokens });
    let obs: Observation;
    let barrierId: string | undefined;
    try {
      if (c.where === 'prehello') obs = await this.runPrehello(frame.data, frame.binary, expectation);
      else {
        barrierId = `~b${this.index}.${++this.barrier}`;
        obs = await this.runAuthed(frame.data, frame.binary, expectation, barrierId);
      }
    } catch (err) {
      obs = { received: [], barrier: 'not-sent', timedOut: false, close: undefined };
      this.inFlight = undefined;
      return { fc: c, lane: this.index, expectation, violations: [{ cls: 'ws:connect-failed', detail: (err as Error).message.slice(0, 200) }], startedAt, ms: Date.now() - startedAt };
    }
    this.inFlight = undefined;
    for (const r of obs.received) if (r.frame?.t === 'sent' && typeof r.frame.messageUid === 'string') this.ownUids.push(r.frame.messageUid);
    if (this.ownUids.length > 20) this.ownUids.splice(1, this.ownUids.length - 20);
    return { fc: c, lane: this.index, expectation, violations: judgeFrame(expectation, obs, barrierId), startedAt, ms: Date.now() - startedAt };
  }

  close(): void {
    this.authed?.closeNormally();
    this.pre?.closeNormally();
    this.authed = this.pre = undefined;
  }

  private async runPrehello(data: string | Buffer, binary: boolean, exp: Expectation): Promise<Observation> {
    let socket = this.pre;
    if (!socket || !socket.open || socket.welcomed || Date.now() - socket.openedAt > PREHELLO_REUSE_MS) {
      socket?.closeNormally();
      socket = this.pre = await FuzzSocket.open(this.world.url());
    }
    const mark = socket.received.length;
    socket.send(data, binary);
    const fresh = () => socket.received.slice(mark);
    const answered = () => {
      if (socket.close) return true;
      const got = fresh();
      const err = got.find((r) => r.frame?.t === 'error');
      if (err) return err.frame!.fatal !== true; // a fatal error: wait for the close too
      return got.some((r) => r.frame?.t === 'welcome');
    };
    const ok = await socket.waitUntil(answered, exp.answer === 'welcome' || exp.answer === 'welcome-or-auth-error' ? ASYNC_ANSWER_TIMEOUT_MS : ANSWER_TIMEOUT_MS);
    const obs: Observation = { received: fresh(), close: socket.close, barrier: 'not-sent', timedOut: !ok };
    if (!ok || socket.close || socket.welcomed) {
      socket.closeNormally();
      this.pre = undefined;
    }
    return obs;
  }

  private async authedSocket(): Promise<FuzzSocket> {
    if (this.authed?.open && this.authed.welcomed) return this.authed;
    const cursor = this.authed?.cursor ?? 0;
    this.authed?.terminate();
    this.authed = undefined;
    const socket = await FuzzSocket.open(this.world.url());
    socket.send(JSON.stringify({ t: 'hello', v: 1, token: this.world.tokens[this.index], platform: 'desktop', deviceId: `lane-${this.index}`, cursor }), false);
    const ok = await socket.waitUntil(() => socket.welcomed || socket.close !== undefined || socket.received.some((r) => r.frame?.t === 'error'), ASYNC_ANSWER_TIMEOUT_MS);
    if (!socket.welcomed) {
      socket.terminate();
      const refusal = socket.received.find((r) => r.frame?.t === 'error')?.text ?? (socket.close ? `close ${socket.close.code}` : ok ? 'nothing' : 'timeout');
      throw new Error(`lane ${this.index}: the session's own hello was not welcomed: ${refusal.slice(0, 200)}`);
    }
    socket.received.splice(0);
    this.authed = socket;
    return socket;
  }

  private async runAuthed(data: string | Buffer, binary: boolean, exp: Expectation, barrierId: string): Promise<Observation> {
    const socket = await this.authedSocket();
    socket.received.splice(0);
    socket.send(data, binary);
    socket.send(JSON.stringify({ t: 'ping', id: barrierId }), false);
    const barrierSeen = () => socket.received.some((r) => r.frame?.t === 'pong' && r.frame.id === barrierId);
    const idAnswered = () =>
      exp.id === undefined || socket.received.some((r) => (r.frame?.t === 'sent' || r.frame?.t === 'recalled' || r.frame?.t === 'error') && r.frame.id === exp.id);
    const asyncAnswered = () => !exp.async || idAnswered() || socket.received.some((r) => r.frame?.t === 'error' && r.frame.id === undefined);
    const ok = await socket.waitUntil(() => socket.close !== undefined || (barrierSeen() && asyncAnswered()), exp.async ? ASYNC_ANSWER_TIMEOUT_MS : ANSWER_TIMEOUT_MS);
    const obs: Observation = { received: [...socket.received], close: socket.close, barrier: barrierSeen() ? 'seen' : 'missing', timedOut: !ok };
    socket.received.splice(0);
    // A late answer must not be taken for the next frame's: a connection that timed out is replaced
    // (the next frame reconnects, with the cursor this one reached).
    if (!ok) socket.terminate();
    return obs;
  }
}
