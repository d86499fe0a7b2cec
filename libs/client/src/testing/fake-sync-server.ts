import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

/**
 * A scripted stand-in for the session gateway, for the client's unit tests only: a real `ws`
 * server on 127.0.0.1 whose every step (answer, frames, close) the test drives by hand, and which
 * records every frame the client sent.
 */

export type Frame = Record<string, unknown>;

export async function waitUntil(check: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class FakeConnection {
  /** Every frame the client sent on this connection, parsed, in order. */
  readonly frames: Frame[] = [];
  /** When the client's TCP connection arrived. */
  readonly openedAt = Date.now();
  closeInfo: { code: number; reason: string } | null = null;
  private read = 0;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData) => this.frames.push(JSON.parse(data.toString()) as Frame));
    socket.on('close', (code: number, reason: Buffer) => {
      this.closeInfo = { code, reason: reason.toString() };
    });
  }

  /** The next frame not returned before. */
  async nextFrame(timeoutMs?: number): Promise<Frame> {
    await waitUntil(() => this.frames.length > this.read, `client frame #${this.read + 1}`, timeoutMs);
    return this.frames[this.read++];
  }

  /** Reads `hello` and answers `welcome`. */
  async handshake(cursor: number, userId = 'alice', sessionId = 'session-1'): Promise<Frame> {
    const hello = await this.nextFrame();
    this.send({ t: 'welcome', sessionId, userId, cursor });
    return hello;
  }

  framesOfType(t: string): Frame[] {
    return this.frames.filter((f) => f.t === t);
  }

  send(frame: Frame): void {
    this.socket.send(JSON.stringify(frame));
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  close(code: number, reason = ''): void {
    this.socket.close(code, reason);
  }

  /** Drops the TCP connection without a close frame (the client sees 1006). */
  drop(): void {
    this.socket.terminate();
  }

  async closed(timeoutMs?: number): Promise<{ code: number; reason: string }> {
    await waitUntil(() => this.closeInfo !== null, 'the connection to close', timeoutMs);
    return this.closeInfo as { code: number; reason: string };
  }
}

export class FakeSyncServer {
  readonly connections: FakeConnection[] = [];

  private constructor(
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {
    wss.on('connection', (socket) => this.connections.push(new FakeConnection(socket)));
  }

  static async start(): Promise<FakeSyncServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    const { port } = wss.address() as AddressInfo;
    return new FakeSyncServer(wss, `ws://127.0.0.1:${port}/ws`);
  }

  /** The index-th connection (0 = first), once it arrived. */
  async connection(index: number, timeoutMs?: number): Promise<FakeConnection> {
    await waitUntil(() => this.connections.length > index, `connection #${index + 1}`, timeoutMs);
    return this.connections[index];
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
