import WebSocket from 'ws';
import { MemoryCursorStore, SyncClient, type ChannelsFrame, type SendInput, type SendResult } from '@msync/client';
import type { EventFrame, Message, Platform, ServerFrame } from '@msync/contracts';
import { waitFor } from './wait';

export interface TestDeviceOptions {
  url: string;
  token: string;
  deviceId: string;
  platform?: Platform;
  /** The device's stored cursor; null: a new device. */
  cursor?: number | null;
  reconnect?: boolean;
  /** False: replay pages are asked for by `nextPage()`, and `connect` resolves at `welcome`. Default true. */
  autoNextPage?: boolean;
}

/** A device as an app would run it (the project's client library over a real WebSocket), recording what it receives. */
export class TestDevice {
  readonly events: EventFrame[] = [];
  readonly transients: Message[] = [];
  /** Replay pages the server ended with `more` (the seq each one reached). */
  readonly pages: number[] = [];
  /** The compensation channel list, when the device connected without a cursor. */
  channels?: ChannelsFrame;
  kicked?: string;
  closeCode?: number;

  private constructor(
    readonly client: SyncClient,
    readonly deviceId: string,
  ) {
    client.on('event', (frame) => this.events.push(frame));
    client.on('kicked', (reason) => (this.kicked = reason));
    client.on('transient', (message) => this.transients.push(message));
    client.on('channels', (frame) => (this.channels = frame));
    client.on('page', (seq) => this.pages.push(seq));
    client.on('close', (info) => (this.closeCode = info.code));
  }

  static async connect(options: TestDeviceOptions): Promise<TestDevice> {
    const client = new SyncClient({
      url: options.url,
      token: options.token,
      platform: options.platform ?? 'mobile',
      deviceId: options.deviceId,
      cursorStore: new MemoryCursorStore(options.cursor === undefined ? 0 : options.cursor),
      reconnect: options.reconnect ?? false,
      ackIntervalMs: 50,
      autoNextPage: options.autoNextPage ?? true,
    });
    const device = new TestDevice(client, options.deviceId);
    try {
      await client.connect();
      if (options.autoNextPage !== false) await client.waitForSynced(60_000);
    } catch (err) {
      if (device.kicked) return device; // displaced before it finished connecting: the caller checks `kicked`
      throw err;
    }
    return device;
  }

  /** Messages received as events, in arrival order. */
  get messages(): Message[] {
    return this.events.flatMap((e) => (e.body.type === 'message' ? [e.body.message] : []));
  }

  get seqs(): number[] {
    return this.events.map((e) => e.seq);
  }

  get cursor(): number {
    return this.client.cursor ?? 0;
  }

  get duplicatesDropped(): number {
    return this.client.stats.duplicatesDropped;
  }

  send(input: SendInput): Promise<SendResult> {
    return this.client.send(input);
  }

  recall(messageUid: string) {
    return this.client.recall(messageUid);
  }

  waitForMessages(count: number, timeoutMs = 20_000): Promise<boolean> {
    return waitFor(() => this.messages.length >= count, `${count} messages (have ${this.messages.length})`, timeoutMs);
  }

  waitForCursor(seq: number, timeoutMs = 20_000): Promise<boolean> {
    return waitFor(() => this.cursor >= seq, `cursor ${seq} (at ${this.cursor})`, timeoutMs);
  }

  waitForKick(timeoutMs = 20_000): Promise<string> {
    return waitFor(() => this.kicked, 'a kick', timeoutMs);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** A bare WebSocket speaking frames by hand: for what the client library would never send. */
export class RawDevice {
  readonly frames: ServerFrame[] = [];
  closed?: { code: number; reason: string };

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as ServerFrame));
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static async open(url: string): Promise<RawDevice> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new RawDevice(ws);
  }

  /** Connects and says hello; resolves once the replay is done. */
  static async connect(url: string, token: string, deviceId: string, cursor: number | null = 0): Promise<RawDevice> {
    const device = await RawDevice.open(url);
    device.sendText(JSON.stringify({ t: 'hello', v: 1, token, platform: 'mobile', deviceId, cursor }));
    await waitFor(() => device.frames.some((f) => f.t === 'synced'), 'synced');
    return device;
  }

  /** What the gateway answers to a hello with this token, and how it closes the socket. */
  static async refusal(url: string, token: string, deviceId = 'device'): Promise<{ code?: string; closeCode?: number }> {
    const device = await RawDevice.open(url);
    device.sendText(JSON.stringify({ t: 'hello', v: 1, token, platform: 'mobile', deviceId, cursor: 0 }));
    await waitFor(() => device.closed, 'the socket to close');
    const error = device.frames.find((f) => f.t === 'error');
    return { code: error?.t === 'error' ? error.code : undefined, closeCode: device.closed?.code };
  }

  sendText(text: string): void {
    this.ws.send(text);
  }

  /** Sends a frame and resolves with the next error frame. */
  async expectError(text: string): Promise<{ code: string; fatal: boolean }> {
    const before = this.frames.length;
    this.sendText(text);
    const frame = await waitFor(() => this.frames.slice(before).find((f) => f.t === 'error'), 'an error frame');
    return frame as { code: string; fatal: boolean };
  }

  async ping(): Promise<boolean> {
    const before = this.frames.length;
    this.sendText(JSON.stringify({ t: 'ping', id: 'p' }));
    await waitFor(() => this.frames.slice(before).some((f) => f.t === 'pong'), 'pong');
    return true;
  }

  close(): void {
    this.ws.close();
  }
}
