import { randomUUID } from 'node:crypto';
import type { WebSocket, RawData } from 'ws';
import {
  CLIENT_FRAME_TYPES,
  CloseCodes,
  DomainError,
  ErrorCodes,
  clientFrameSchema,
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
import { counter, loggerFor } from '@msync/service-kit';
import { DeviceDelivery } from '../delivery/device-delivery';
import { SingleDeviceDelivery } from '../delivery/single-device-delivery';
import type { SessionDeps } from './session-deps';

const framesIn = counter('gateway_frames_in_total', 'Frames received from devices', ['type']);
const frameErrors = counter('gateway_frame_errors_total', 'Frames answered with an error', ['code']);

/** Codes after which the connection is closed (the client must not retry with the same credentials). */
const AUTH_CODES = new Set<ErrorCode>(['token_invalid', 'token_expired', 'token_revoked', 'app_unknown', 'app_disabled', 'user_blocked']);

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
  private readonly log = loggerFor('DeviceSession');

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: SessionDeps,
  ) {
    this.helloTimer = setTimeout(() => this.close(CloseCodes.HELLO_TIMEOUT, 'no hello in time'), deps.config.HELLO_TIMEOUT_MS);
    ws.on('message', (data, isBinary) => void this.onMessage(data, isBinary));
    ws.on('close', () => this.onClosed());
    ws.on('error', (err) => this.log.debug({ err }, 'socket error'));
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
    this.log.info({ appKey: this.appKey, userId: this.userId, deviceId: this.deviceId, reason }, 'session kicked');
    this.close(CloseCodes.KICKED, reason);
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.ws.close(code, reason);
    this.onClosed();
  }

  private async onMessage(data: RawData, isBinary: boolean): Promise<void> {
    let raw: unknown;
    try {
      if (isBinary) throw new Error('binary');
      raw = JSON.parse(data.toString());
    } catch {
      return this.fail(new DomainError(ErrorCodes.MALFORMED_FRAME, 'a frame must be one JSON object (text)'));
    }
    const type = (raw as { t?: unknown } | null)?.t;
    const id = typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined;
    if (typeof type !== 'string' || !(CLIENT_FRAME_TYPES as readonly string[]).includes(type)) {
      return this.fail(new DomainError(ErrorCodes.UNKNOWN_FRAME_TYPE, `unknown frame type ${JSON.stringify(type)}`), id);
    }
    framesIn.inc({ type });
    const parsed = clientFrameSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(frame)'}: ${i.message}`).join('; ');
      return this.fail(new DomainError(ErrorCodes.INVALID_FIELD, problems), id);
    }
    const frame = parsed.data;
    if (frame.t === 'hello') return this.onHello(frame);
    if (this.state !== 'open') return this.fail(new DomainError(ErrorCodes.NOT_AUTHENTICATED, 'send hello first'), id, CloseCodes.AUTH_FAILED);
    switch (frame.t) {
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
    if (this.state !== 'awaiting-hello') return this.fail(new DomainError(ErrorCodes.ALREADY_AUTHENTICATED, 'hello was already sent'));
    this.state = 'authenticating';
    clearTimeout(this.helloTimer);
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
      await this.deps.devices.touch(this.appKey, this.userId, this.deviceId, this.platform);
    } catch (err) {
      return this.fail(err, undefined, CloseCodes.AUTH_FAILED);
    }
    if (this.ws.readyState !== this.ws.OPEN) return this.onClosed();
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
      this.log.warn({ err, appKey: this.appKey, userId: this.userId, deviceId: this.deviceId }, 'delivery failed; closing so the device replays');
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
    this.log.info({ appKey: this.appKey, userId: this.userId, deviceId: this.deviceId, platform: this.platform, cursor: hello.cursor ?? null }, 'device connected');
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

  /** Answers with an error frame; closes for auth failures or when asked to. */
  private fail(err: unknown, id?: string, closeCode?: number): void {
    const domain = err instanceof DomainError ? err : new DomainError(ErrorCodes.INTERNAL, 'internal error');
    if (!(err instanceof DomainError)) this.log.error({ err }, 'unexpected error handling a frame');
    const fatal = closeCode !== undefined || AUTH_CODES.has(domain.code);
    frameErrors.inc({ code: domain.code });
    this.send({ t: 'error', id, code: domain.code, message: domain.message, fatal });
    if (fatal) this.close(closeCode ?? CloseCodes.AUTH_FAILED, domain.code);
  }

  private onClosed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.helloTimer);
    this.delivery?.close();
    this.deps.registry.remove(this);
    if (this.admitted) void this.deps.sessions.remove(this.sessionId).catch((err) => this.log.warn({ err }, 'could not remove the session row'));
  }
}
