import {
  CloseCodes,
  ErrorCodes,
  PROTOCOL_VERSION,
  helloFrameSchema,
  sendFrameSchema,
  type ClientFrame,
  type ErrorFrame,
  type KickReason,
  type Platform,
  type ServerFrame,
} from '@msync/contracts';
import { Backoff } from './backoff';
import { MemoryCursorStore, type CursorStore } from './cursor-store';
import { deferred, type Deferred } from './deferred';
import { ClientErrorCodes, SyncClientError } from './errors';
import { decodeServerFrame } from './frame-decoder';
import { randomId } from './ids';
import { PendingRequests, type RequestFrame } from './pending-requests';
import { isTerminalCloseCode, isTerminalError, isTerminalKick } from './reconnect-policy';
import { TypedEmitter } from './typed-emitter';
import type {
  CloseInfo,
  SendInput,
  SendResult,
  SyncClientEvents,
  SyncClientOptions,
  SyncClientStats,
  WelcomeFrame,
} from './types';
import { WS_OPEN, resolveWebSocket, type WebSocketConstructor, type WebSocketLike } from './websocket';

type Applied = 'applied' | 'duplicate' | 'gap';

/**
 * A device's connection to the session gateway: handshake, in-order gap-free delivery of the user's
 * stream (each seq applied once), batched acks, idempotent sends, reconnects with backoff.
 * See docs/protocol.md.
 */
export class SyncClient extends TypedEmitter<SyncClientEvents> {
  private readonly url: string;
  private readonly token: string;
  private readonly platform: Platform;
  private readonly deviceId: string;
  private readonly WS: WebSocketConstructor;
  private readonly store: CursorStore;
  private readonly backoff: Backoff;
  private readonly reconnectEnabled: boolean;
  private readonly ackIntervalMs: number;
  private readonly autoNextPage: boolean;
  private readonly requestTimeoutMs: number;
  private readonly pending = new PendingRequests();
  private readonly counters: SyncClientStats = {
    eventsApplied: 0,
    ownApplied: 0,
    duplicatesDropped: 0,
    gapsDetected: 0,
    unknownFrames: 0,
    reconnects: 0,
    acksSent: 0,
    requestsRetried: 0,
  };

  /** True between `connect()` and `close()` / a terminal error: the client wants a connection. */
  private running = false;
  private socket: WebSocketLike | null = null;
  private cursorLoad: Promise<void> | null = null;
  private _cursor: number | null = null;
  private savedSeq: number | null = null;
  /** Highest seq the server knows this device applied, in this session. */
  private ackedSeq = 0;
  private _sessionId: string | null = null;
  private _userId: string | null = null;
  private welcomed = false;
  /** The server waits for `next` before the next replay page. */
  private pagePending = false;
  private _synced = false;
  /** Why the client stopped for good (kick, auth failure); no reconnect while set. */
  private terminalError: SyncClientError | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private welcomeTimer: ReturnType<typeof setTimeout> | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private flushChain: Promise<void> = Promise.resolve();
  private connectWaiter: Deferred<void> | null = null;
  private syncedWaiters: Deferred<void>[] = [];
  private closeWaiters: Array<() => void> = [];

  constructor(options: SyncClientOptions) {
    super();
    const hello = helloFrameSchema.safeParse(this.helloOf(options, null));
    if (!hello.success) {
      throw new SyncClientError(ErrorCodes.INVALID_FIELD, `invalid options: ${hello.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    this.url = options.url;
    this.token = options.token;
    this.platform = options.platform;
    this.deviceId = options.deviceId;
    this.WS = resolveWebSocket(options.WebSocket);
    this.store = options.cursorStore ?? new MemoryCursorStore();
    this.backoff = new Backoff(options.backoff);
    this.reconnectEnabled = options.reconnect ?? true;
    this.ackIntervalMs = options.ackIntervalMs ?? 200;
    this.autoNextPage = options.autoNextPage ?? true;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  /** Highest applied seq (null: a new device before its first `welcome`). */
  get cursor(): number | null {
    return this._cursor;
  }

  get sessionId(): string | null {
    return this._sessionId;
  }

  get userId(): string | null {
    return this._userId;
  }

  /** True between `welcome` and the end of that connection. */
  get connected(): boolean {
    return this.welcomed;
  }

  /** True once this connection's replay is complete (`synced`). */
  get synced(): boolean {
    return this._synced;
  }

  get stats(): Readonly<SyncClientStats> {
    return { ...this.counters };
  }

  /**
   * Connects (and keeps reconnecting). Resolves after `welcome`; rejects on an auth error or a kick
   * before it, or on a lost connection when `reconnect` is false.
   */
  connect(): Promise<void> {
    if (this.welcomed) return Promise.resolve();
    this.connectWaiter ??= deferred<void>();
    const { promise } = this.connectWaiter;
    if (!this.running) {
      this.running = true;
      this.terminalError = null;
      this.backoff.reset();
      void this.openSocket();
    }
    return promise;
  }

  /** Resolves once the replay after the cursor is complete (`synced`) on the current connection. */
  waitForSynced(timeoutMs?: number): Promise<void> {
    if (this._synced) return Promise.resolve();
    if (!this.running) return Promise.reject(this.notRunningError());
    const waiter = deferred<void>();
    this.syncedWaiters.push(waiter);
    if (timeoutMs === undefined) return waiter.promise;
    const timer = setTimeout(() => {
      this.syncedWaiters = this.syncedWaiters.filter((w) => w !== waiter);
      waiter.reject(new SyncClientError(ClientErrorCodes.TIMEOUT, `not synced within ${timeoutMs} ms`));
    }, timeoutMs);
    return waiter.promise.finally(() => clearTimeout(timer));
  }

  /**
   * Sends a message. Resolves with the server's answer; rejects with a `SyncClientError` on an
   * `error` frame for it or after `requestTimeoutMs`. Unanswered sends are written again after a
   * reconnect with the same `clientMsgId`, which the server deduplicates.
   */
  async send(input: SendInput): Promise<SendResult> {
    const frame = {
      t: 'send' as const,
      id: randomId(),
      clientMsgId: input.clientMsgId ?? randomId(),
      conversationType: input.conversationType,
      targetId: input.targetId,
      objectName: input.objectName,
      content: input.content,
    };
    const valid = sendFrameSchema.safeParse(frame);
    if (!valid.success) {
      throw new SyncClientError(ErrorCodes.INVALID_FIELD, valid.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    const answer = await this.request(frame);
    if (answer.t !== 'sent') throw new SyncClientError(ErrorCodes.INTERNAL, `unexpected answer ${answer.t} to send`);
    return { messageUid: answer.messageUid, sentAt: answer.sentAt, duplicate: answer.duplicate };
  }

  /** Recalls one of this user's messages; resolves when the server has recalled it. */
  async recall(messageUid: string): Promise<{ messageUid: string; recalledAt: number }> {
    const answer = await this.request({ t: 'recall', id: randomId(), messageUid });
    if (answer.t !== 'recalled') throw new SyncClientError(ErrorCodes.INTERNAL, `unexpected answer ${answer.t} to recall`);
    return { messageUid: answer.messageUid, recalledAt: answer.recalledAt };
  }

  /** Asks for the next replay page (only needed with `autoNextPage: false`, after a `page` event). */
  nextPage(): void {
    if (this.socket && this.welcomed && this.pagePending) {
      this.pagePending = false;
      this.write(this.socket, { t: 'next' });
    }
  }

  /** Round trip of a `ping` (ms, from the call to the `pong`). */
  async ping(): Promise<number> {
    const started = Date.now();
    await this.request({ t: 'ping', id: randomId() });
    return Date.now() - started;
  }

  /** Saves and acks the cursor, closes with 1000 and stops reconnecting. Pending requests are rejected. */
  async close(): Promise<void> {
    this.running = false;
    this.clearTimer('reconnectTimer');
    this.clearTimer('flushTimer');
    await this.enqueueFlush();
    const sock = this.socket;
    if (sock) {
      const closed = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
      closeQuietly(sock, CloseCodes.NORMAL, 'client closed');
      // A peer that never completes the close handshake must not hold us.
      const timer = setTimeout(() => this.socket === sock && this.abandon(CloseCodes.NORMAL, 'client closed'), 2_000);
      await closed;
      clearTimeout(timer);
    }
    this.stop(new SyncClientError(ClientErrorCodes.CLIENT_CLOSED, 'closed by the client'));
  }

  // ---- connection -----------------------------------------------------------------------

  private async openSocket(): Promise<void> {
    this.reconnectTimer = null;
    this.cursorLoad ??= this.store.load().then((seq) => {
      this._cursor = seq;
      this.savedSeq = seq;
    });
    try {
      await this.cursorLoad;
    } catch (err) {
      this.cursorLoad = null;
      this.stop(new SyncClientError(ClientErrorCodes.CURSOR_STORE_FAILED, `cursor store: load failed: ${errorText(err)}`));
      return;
    }
    if (!this.running || this.socket) return;
    let sock: WebSocketLike;
    try {
      sock = new this.WS(this.url);
    } catch (err) {
      this.stop(new SyncClientError(ClientErrorCodes.SOCKET_ERROR, `cannot open ${this.url}: ${errorText(err)}`));
      return;
    }
    this.socket = sock;
    sock.binaryType = 'arraybuffer';
    sock.onopen = () => {
      if (this.socket === sock) this.onOpen(sock);
    };
    sock.onmessage = (event) => {
      if (this.socket === sock) this.onMessage(sock, event.data);
    };
    sock.onerror = (event) => {
      if (this.socket === sock && this.running) {
        this.emit('error', new SyncClientError(ClientErrorCodes.SOCKET_ERROR, `websocket error: ${errorText(event)}`));
      }
    };
    sock.onclose = (event) => {
      if (this.socket === sock) this.handleClosed({ code: event.code, reason: event.reason });
    };
  }

  private onOpen(sock: WebSocketLike): void {
    this.emit('open');
    if (this.socket !== sock) return;
    this.write(sock, this.helloOf({ token: this.token, platform: this.platform, deviceId: this.deviceId }, this._cursor));
    this.welcomeTimer = setTimeout(() => this.abandon(CloseCodes.PROTOCOL_ERROR, 'no welcome'), this.requestTimeoutMs);
  }

  private helloOf(o: { token: string; platform: Platform; deviceId: string }, cursor: number | null): ClientFrame {
    return { t: 'hello', v: PROTOCOL_VERSION, token: o.token, platform: o.platform, deviceId: o.deviceId, cursor };
  }

  /** Ends this socket now (without waiting for the close handshake) and carries on as after a close. */
  private abandon(code: number, reason: string): void {
    const sock = this.socket;
    if (!sock) return;
    this.socket = null;
    closeQuietly(sock, code, reason);
    this.handleClosed({ code, reason });
  }

  private handleClosed(info: CloseInfo): void {
    this.socket = null;
    this.welcomed = false;
    this._synced = false;
    this.pagePending = false;
    this.clearTimer('welcomeTimer');
    this.clearTimer('flushTimer');
    void this.enqueueFlush(); // saves the cursor; no ack without a socket
    this.emit('close', info);
    for (const done of this.closeWaiters.splice(0)) done();
    if (!this.terminalError && isTerminalCloseCode(info.code)) {
      this.terminalError = new SyncClientError(ClientErrorCodes.KICKED, `closed by the server: ${info.code} ${info.reason}`, true);
    }
    if (this.terminalError) return this.stop(this.terminalError);
    if (!this.running) return this.stop(new SyncClientError(ClientErrorCodes.CLIENT_CLOSED, 'closed by the client'));
    if (!this.reconnectEnabled) {
      return this.stop(new SyncClientError(ClientErrorCodes.CONNECTION_CLOSED, `connection closed: ${info.code} ${info.reason}`));
    }
    const delayMs = this.backoff.next();
    this.counters.reconnects++;
    this.emit('reconnecting', { attempt: this.backoff.attempt, delayMs });
    if (!this.running || this.reconnectTimer || this.socket) return; // a listener closed or reconnected
    this.reconnectTimer = setTimeout(() => void this.openSocket(), delayMs);
  }

  /** Stops for good (until the next `connect()`): rejects everyone waiting. */
  private stop(err: SyncClientError): void {
    this.running = false;
    this.clearTimer('reconnectTimer');
    this.connectWaiter?.reject(err);
    this.connectWaiter = null;
    this.pending.failAll(err);
    for (const waiter of this.syncedWaiters.splice(0)) waiter.reject(err);
  }

  /** Kick or auth failure: no reconnect. The server closes; we close too in case it does not. */
  private terminate(sock: WebSocketLike, err: SyncClientError): void {
    this.terminalError = err;
    this.running = false;
    this.clearTimer('reconnectTimer');
    closeQuietly(sock, CloseCodes.NORMAL, err.code);
  }

  // ---- incoming frames ------------------------------------------------------------------

  private onMessage(sock: WebSocketLike, data: unknown): void {
    const decoded = decodeServerFrame(data);
    if (decoded.kind === 'invalid') {
      this.counters.unknownFrames++;
      return;
    }
    if (decoded.kind === 'unknown-event') {
      this.counters.unknownFrames++;
      if (this.advance(decoded.seq) === 'applied') this.counters.eventsApplied++;
      return;
    }
    this.onFrame(sock, decoded.frame);
  }

  private onFrame(sock: WebSocketLike, frame: ServerFrame): void {
    switch (frame.t) {
      case 'welcome':
        return this.onWelcome(sock, frame);
      case 'event':
        if (this.advance(frame.seq) === 'applied') {
          this.counters.eventsApplied++;
          this.emit('event', frame);
        }
        return;
      case 'own':
        if (this.advance(frame.seq) === 'applied') {
          this.counters.ownApplied++;
          this.emit('own', frame);
        }
        return;
      case 'skip':
        // Single-device mode: those events went to another device of the user.
        if (frame.seq > (this._cursor ?? 0)) {
          this._cursor = frame.seq;
          this.scheduleFlush();
        }
        return;
      case 'channels':
        this.emit('channels', frame);
        return;
      case 'more':
        this.pagePending = true;
        this.emit('page', frame.seq);
        if (this.autoNextPage) this.nextPage();
        return;
      case 'synced':
        this._synced = true;
        this.backoff.reset();
        this.emit('synced', frame.seq);
        for (const waiter of this.syncedWaiters.splice(0)) waiter.resolve();
        return;
      case 'sent':
        this.pending.resolve(frame.id, frame); // an unknown id: the late answer to a timed-out send
        return;
      case 'pong':
        if (frame.id !== undefined) this.pending.resolve(frame.id, frame);
        return;
      case 'recalled':
        this.pending.resolve(frame.id, frame);
        return;
      case 'transient':
        this.emit('transient', frame.message);
        return;
      case 'error':
        return this.onErrorFrame(sock, frame);
      case 'kick':
        return this.onKick(sock, frame.reason);
    }
  }

  private onWelcome(sock: WebSocketLike, frame: WelcomeFrame): void {
    this.clearTimer('welcomeTimer');
    this.welcomed = true;
    this._synced = false;
    this._sessionId = frame.sessionId;
    this._userId = frame.userId;
    // The stream continues after the server's cursor. It equals ours, except for a new device, a
    // cursor older than what the stream still holds (the server's is higher) and a cursor beyond the
    // stream's head (lower): keeping ours would mean a gap on every connection, or dropping events.
    this._cursor = frame.cursor;
    this.ackedSeq = frame.cursor;
    this.emit('welcome', frame);
    this.connectWaiter?.resolve();
    this.connectWaiter = null;
    if (this.socket !== sock) return;
    for (const request of this.pending.waiting()) this.writeRequest(sock, request);
    if (this._cursor !== this.savedSeq || this._cursor > this.ackedSeq) this.scheduleFlush();
  }

  private onErrorFrame(sock: WebSocketLike, frame: ErrorFrame): void {
    const err = new SyncClientError(frame.code, frame.message, frame.fatal);
    const answered = frame.id !== undefined && this.pending.fail(frame.id, err);
    if (!answered) this.emit('error', err);
    if (isTerminalError(frame.code, frame.fatal)) this.terminate(sock, err);
  }

  private onKick(sock: WebSocketLike, reason: KickReason): void {
    this.emit('kicked', reason);
    if (isTerminalKick(reason)) this.terminate(sock, new SyncClientError(reason, `kicked by the server: ${reason}`, true));
  }

  /** Dedup and ordering: applies seq = cursor + 1 only. */
  private advance(seq: number): Applied {
    const cursor = this._cursor ?? 0;
    if (seq <= cursor) {
      this.counters.duplicatesDropped++;
      return 'duplicate';
    }
    if (seq > cursor + 1) {
      // Never apply past a hole: reconnect, and the server replays from our cursor.
      this.counters.gapsDetected++;
      this.abandon(CloseCodes.PROTOCOL_ERROR, `gap: expected seq ${cursor + 1}, got ${seq}`);
      return 'gap';
    }
    this._cursor = seq;
    this.scheduleFlush();
    return 'applied';
  }

  // ---- outgoing frames ------------------------------------------------------------------

  private request(frame: RequestFrame): Promise<ServerFrame> {
    if (!this.running) return Promise.reject(this.notRunningError());
    const answer = this.pending.add(frame, this.requestTimeoutMs);
    const sock = this.socket;
    if (sock && this.welcomed) this.writeRequest(sock, frame);
    return answer;
  }

  private writeRequest(sock: WebSocketLike, frame: RequestFrame): void {
    if (!this.write(sock, frame)) return;
    if (this.pending.markSent(frame.id) > 1) this.counters.requestsRetried++;
  }

  private write(sock: WebSocketLike, frame: ClientFrame): boolean {
    if (sock.readyState !== WS_OPEN) return false;
    try {
      sock.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** Acks and cursor saves are batched: at most one per `ackIntervalMs`. */
  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.enqueueFlush();
    }, this.ackIntervalMs);
  }

  /** Flushes run one at a time, so saves reach the store in order. */
  private enqueueFlush(): Promise<void> {
    this.flushChain = this.flushChain.then(() => this.flush());
    return this.flushChain;
  }

  /** Saves the cursor, then (the ack promises "applied and stored") acks it. */
  private async flush(): Promise<void> {
    const seq = this._cursor;
    if (seq === null) return;
    if (seq !== this.savedSeq) {
      try {
        await this.store.save(seq);
        this.savedSeq = seq;
      } catch (err) {
        this.emit('error', new SyncClientError(ClientErrorCodes.CURSOR_STORE_FAILED, `cursor store: save failed: ${errorText(err)}`));
        return;
      }
    }
    const sock = this.socket;
    if (sock && this.welcomed && seq > this.ackedSeq && this.write(sock, { t: 'ack', seq })) {
      this.ackedSeq = seq;
      this.counters.acksSent++;
    }
  }

  private notRunningError(): SyncClientError {
    return this.terminalError ?? new SyncClientError(ClientErrorCodes.NOT_CONNECTED, 'not connected: call connect() first');
  }

  private clearTimer(name: 'reconnectTimer' | 'welcomeTimer' | 'flushTimer'): void {
    const timer = this[name];
    if (timer) clearTimeout(timer);
    this[name] = null;
  }
}

function closeQuietly(sock: WebSocketLike, code: number, reason: string): void {
  try {
    sock.close(code, reason.slice(0, 100)); // a close reason is at most 123 bytes
  } catch {
    // already closing or closed
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return typeof err === 'string' ? err : 'no details';
}
