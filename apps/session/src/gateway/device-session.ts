import { randomUUID } from 'node:crypto';
import type { WebSocket, RawData } from 'ws';
import {
  CloseCodes,
  DomainError,
  ErrorCodes,
  type ClientFrame,
  type ErrorCode,
  type ChannelsFrame,
  type EventFrame,
  type HelloFrame,
  type KickReason,
  type Message,
  type SendFrame,
  type ServerFrame,
  type UserEvent,
} from '@msync/contracts';
import { counter, loggerFor, toDomainError } from '@msync/service-kit';
import { DeviceDelivery } from '../delivery/device-delivery';
import { SingleDeviceDelivery } from '../delivery/single-device-delivery';
import { parseClientFrame, type ParsedFrame } from './frame-parser';
import type { SessionDeps } from './session-deps';

const framesIn = counter('gateway_frames_in_total', 'Frames received from devices', ['type']);
const frameErrors = counter('gateway_frame_errors_total', 'Frames answered with an error', ['code']);

/** Codes after which the connection is closed (the client must not retry with the same credentials). */
const AUTH_CODES = new Set<ErrorCode>(['token_invalid', 'token_expired', 'token_revoked', 'app_unknown', 'app_disabled', 'user_blocked']);

/** One logger for all sessions (a child logger per session cost memory on every connection). */
const log = loggerFor('DeviceSession');

/**
 * One device connection: handshake, frames in, stream delivery out. Sends go to ingestion through
 * the gateway's single-flight batcher, which keeps each device's order; delivery runs on its own
 * serial queue.
 */
export class DeviceSession {
  readonly sessionId = randomUUID();
  appKey = '';
  userId = '';
  deviceId = '';
  platform = '';
  private delivery?: DeviceDelivery | SingleDeviceDelivery;
  private admitted = false;
  /** Multi-device sync of the app when this session started (a change applies from the next connection). */
  private multiDeviceSync = true;
  private readonly helloTimer: NodeJS.Timeout;
  private state: 'awaiting-hello' | 'authenticating' | 'open' | 'closed' = 'awaiting-hello';

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: SessionDeps,
  ) {
    this.helloTimer = setTimeout(() => this.close(CloseCodes.HELLO_TIMEOUT, 'no hello in time'), deps.config.HELLO_TIMEOUT_MS);
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.onClosed());
    ws.on('error', (err) => log.debug({ err }, 'socket error'));
  }

  /** Live event from the fast path. */
  deliver(event: UserEvent): void {
    this.delivery?.onLive(event);
  }

  /** A transient message (typing, status): only if this session is fully open now. */
  deliverTransient(message: Message): void {
    if (this.state === 'open') this.send({ t: 'transient', message });
  }

  /** Ends the session on the server's initiative: the device gets the reason first (and must not reconnect in a loop). */
  kick(reason: KickReason): void {
    if (this.state === 'closed') return;
    this.send({ t: 'kick', reason });
    log.info({ appKey: this.appKey, userId: this.userId, deviceId: this.deviceId, reason }, 'session kicked');
    this.close(CloseCodes.KICKED, reason);
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.ws.close(code, reason);
    this.onClosed();
  }

  /** Never throws and never rejects: whatever one frame does fails that frame only. */
  private onMessage(data: RawData, isBinary: boolean): void {
    let id: string | undefined;
    try {
      const parsed = parseClientFrame(data, isBinary);
      id = parsed.ok ? ('id' in parsed.frame ? parsed.frame.id : undefined) : parsed.id;
      const type = parsed.ok ? parsed.frame.t : parsed.type;
      if (type) framesIn.inc({ type });
      if (this.state !== 'open') return this.beforeWelcome(parsed);
      if (!parsed.ok) return this.fail(parsed.error, parsed.id);
      this.onFrame(parsed.frame);
    } catch (err) {
      this.fail(err, id);
    }
  }

  /** Until `welcome`, a device may send `hello` and nothing else (docs/protocol.md). */
  private beforeWelcome(parsed: ParsedFrame): void {
    const isHello = parsed.ok ? parsed.frame.t === 'hello' : parsed.type === 'hello';
    if (!isHello || this.state === 'closed') {
      return this.fail(new DomainError(ErrorCodes.NOT_AUTHENTICATED, 'send hello and wait for welcome first'), parsed.ok ? undefined : parsed.id, CloseCodes.AUTH_FAILED);
    }
    if (this.state !== 'awaiting-hello') return this.fail(new DomainError(ErrorCodes.ALREADY_AUTHENTICATED, 'hello was already sent'));
    if (!parsed.ok) return this.fail(parsed.error);
    if (parsed.frame.t === 'hello') {
      const hello = parsed.frame;
      this.state = 'authenticating';
      clearTimeout(this.helloTimer);
      void this.onHello(hello).catch((err) => this.fail(err, undefined, CloseCodes.AUTH_FAILED));
    }
  }

  private onFrame(frame: ClientFrame): void {
    switch (frame.t) {
      case 'hello':
        return this.fail(new DomainError(ErrorCodes.ALREADY_AUTHENTICATED, 'hello was already sent'));
      case 'send':
        // Not awaited: sends are batched towards ingestion one request at a time, so a device's
        // sends keep their order without waiting for each other.
        void this.onSend(frame);
        return;
      case 'ack':
        this.deps.cursors.record(this.appKey, this.userId, this.deviceId, Math.min(frame.seq, this.delivery?.position ?? 0));
        return;
      case 'ping':
        this.send({ t: 'pong', id: frame.id });
        return;
      case 'recall':
        void this.onRecall(frame.id, frame.messageUid);
        return;
      case 'next':
        if (this.delivery instanceof DeviceDelivery) this.delivery.nextPage();
        return;
    }
  }

  private async onHello(hello: HelloFrame): Promise<void> {
    try {
      const claims = await this.deps.tokens.verify(hello.token);
      Object.assign(this, { appKey: claims.appKey, userId: claims.userId, deviceId: hello.deviceId, platform: hello.platform });
      const app = await this.deps.apps.require(claims.appKey);
      this.multiDeviceSync = app.settings.multiDeviceSync;
      await this.deps.policy.admit({
        sessionId: this.sessionId,
        appKey: this.appKey,
        userId: this.userId,
        deviceId: this.deviceId,
        platform: hello.platform,
        tokenIssuedAt: claims.issuedAt,
        settings: app.settings,
      });
      this.admitted = true;
      // Closed while admission was in flight: the row it just wrote must go (no ghost presence).
      if (this.isClosed()) return this.removeSessionRow();
      await this.deps.devices.touch(this.appKey, this.userId, this.deviceId, this.platform);
    } catch (err) {
      return this.fail(err, undefined, CloseCodes.AUTH_FAILED);
    }
    if (this.ws.readyState !== this.ws.OPEN || this.isClosed()) return this.onClosed();
    this.state = 'open';
    const source = {
      page: (after: number, limit: number) => this.deps.streams.page(this.appKey, this.userId, after, limit),
      window: (limit: number) => this.deps.streams.window(this.appKey, this.userId, limit),
    };
    const sink = {
      welcome: (cursor: number) => this.send({ t: 'welcome', sessionId: this.sessionId, userId: this.userId, cursor }),
      channels: (frame: Omit<ChannelsFrame, 't'>) => this.send({ t: 'channels', ...frame }),
      more: (seq: number) => this.send({ t: 'more', seq }),
      event: (frame: EventFrame) => this.send(frame),
      own: (seq: number, messageUid: string) => this.send({ t: 'own', seq, messageUid }),
      synced: (seq: number) => this.send({ t: 'synced', seq }),
      skip: (seq: number) => this.send({ t: 'skip', seq }),
    };
    const onFailure = (err: unknown) => {
      log.warn({ err, appKey: this.appKey, userId: this.userId, deviceId: this.deviceId }, 'delivery failed; closing so the device replays');
      this.close(CloseCodes.GOING_AWAY, 'delivery interrupted; reconnect');
    };
    const pageSize = this.deps.config.REPLAY_PAGE_SIZE;
    if (this.multiDeviceSync) {
      // What single-device mode already handed to some device is never replayed after sync is back on.
      const delivered = hello.cursor == null ? 0 : await this.deps.streamStore.delivered(this.appKey, this.userId);
      const delivery = new DeviceDelivery(this.deviceId, source, sink, pageSize, onFailure);
      this.delivery = delivery;
      // Registered before the replay starts, so no live event can fall between the two.
      this.deps.registry.add(this);
      delivery.start(hello.cursor == null ? null : Math.max(hello.cursor, delivered));
    } else {
      const claim = (upTo: number) => this.deps.streamStore.claimDelivery(this.appKey, this.userId, upTo);
      const delivery = new SingleDeviceDelivery(source, claim, sink, pageSize, onFailure);
      this.delivery = delivery;
      this.deps.registry.add(this);
      delivery.start();
    }
    log.info({ appKey: this.appKey, userId: this.userId, deviceId: this.deviceId, platform: this.platform, cursor: hello.cursor ?? null }, 'device connected');
  }

  private async onSend(frame: SendFrame): Promise<void> {
    {
      try {
        const result = await this.deps.ingestion.send({
          appKey: this.appKey,
          senderId: this.userId,
          senderDeviceId: this.deviceId,
          clientMsgId: frame.clientMsgId,
          conversationType: frame.conversationType,
          targetId: frame.targetId,
          objectName: frame.objectName,
          content: frame.content,
          // With sync off, what a user sends is not copied to their other devices.
          includeSender: this.multiDeviceSync,
          traceId: randomUUID(),
        });
        this.send({ t: 'sent', id: frame.id, ...result });
      } catch (err) {
        this.fail(err, frame.id);
      }
    }
  }

  private async onRecall(id: string, messageUid: string): Promise<void> {
    try {
      const result = await this.deps.recalls.recall({ appKey: this.appKey, messageUid, userId: this.userId, deviceId: this.deviceId });
      this.send({ t: 'recalled', id, ...result });
    } catch (err) {
      this.fail(err, id);
    }
  }

  private send(frame: ServerFrame): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.deps.config.WS_MAX_BUFFERED_BYTES) {
      this.close(CloseCodes.TOO_SLOW, 'device too slow; reconnect to replay');
      return;
    }
    this.ws.send(JSON.stringify(frame));
  }

  /**
   * Answers with an error frame (`unavailable` when a dependency is down, `internal` for anything
   * unexpected, logged with an error id); closes for auth failures or when asked to. Never throws.
   */
  private fail(err: unknown, id?: string, closeCode?: number): void {
    try {
      const domain = toDomainError(err);
      const ids = { appKey: this.appKey, userId: this.userId, deviceId: this.deviceId, sessionId: this.sessionId };
      let message = domain.message;
      if (domain.code === ErrorCodes.INTERNAL) {
        const errorId = randomUUID();
        log.error({ err, errorId, ...ids }, 'unexpected error handling a frame');
        message = `internal error (id ${errorId})`;
      } else if (domain.code === ErrorCodes.UNAVAILABLE) {
        log.warn({ err, ...ids }, 'a service behind the gateway is unavailable');
      }
      const fatal = closeCode !== undefined || AUTH_CODES.has(domain.code);
      frameErrors.inc({ code: domain.code });
      this.send({ t: 'error', id, code: domain.code, message, fatal });
      if (fatal) this.close(closeCode ?? CloseCodes.AUTH_FAILED, domain.code);
    } catch (failure) {
      log.error({ err: failure }, 'could not answer a failed frame; closing the connection');
      this.ws.terminate();
    }
  }

  private onClosed(): void {
    if (this.state === 'closed') return;
    const wasAdmitted = this.admitted;
    this.state = 'closed';
    clearTimeout(this.helloTimer);
    this.delivery?.close();
    this.deps.registry.remove(this);
    // While admission is in flight, onHello removes the row once it is written.
    if (wasAdmitted) this.removeSessionRow();
  }

  /** A method, not `state === 'closed'`: the state changes while a handshake awaits. */
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private removeSessionRow(): void {
    void this.deps.sessions.remove(this.sessionId).catch((err) => log.warn({ err, sessionId: this.sessionId }, 'could not remove the session row'));
  }
}
