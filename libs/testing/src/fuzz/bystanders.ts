import { MemoryCursorStore, SyncClient } from '@msync/client';
import type { Message } from '@msync/contracts';
import type { ManagementClient, TestApp } from '../management-client';
import { ServerApiClient } from '../server-api-client';
import { sleep, waitFor } from '../wait';

export interface BystanderIncident {
  what: 'ws-send-failed' | 'http-publish-failed' | 'not-delivered';
  at: number;
  detail: string;
}

interface Sent {
  n: number;
  from: number;
  to: number;
  via: 'ws' | 'http';
  at: number;
}

/**
 * Ordinary users of another app going about their business while the fuzz runs: each sends a valid
 * message now and then (over the WebSocket, and over the Server API), and every one of them must be
 * accepted and delivered. "No input can hurt anyone but its sender."
 */
export class Bystanders {
  readonly incidents: BystanderIncident[] = [];
  private readonly sent: Sent[] = [];
  private readonly received: Map<number, Set<number>>;
  private running = true;
  private loop?: Promise<void>;
  private n = 0;
  private pending = new Set<Promise<void>>();
  wsAccepted = 0;
  httpAccepted = 0;

  private constructor(
    private readonly clients: SyncClient[],
    private readonly api: ServerApiClient,
    private readonly users: string[],
    private readonly tag: string,
  ) {
    this.received = new Map(users.map((_, i) => [i, new Set<number>()]));
    clients.forEach((client, i) =>
      client.on('event', (frame) => {
        if (frame.body.type !== 'message') return;
        const n = bystanderNumber(frame.body.message, tag);
        if (n !== undefined) this.received.get(i)!.add(n);
      }),
    );
  }

  static async start(wsUrl: string, apiUrl: string, app: TestApp, mgmt: ManagementClient, runId: string, count = 4): Promise<Bystanders> {
    const users = Array.from({ length: count }, (_, i) => `${runId}-by${i}`);
    const clients: SyncClient[] = [];
    for (const user of users) {
      const client = new SyncClient({
        url: wsUrl,
        token: await mgmt.token(user),
        platform: 'mobile',
        deviceId: 'phone',
        cursorStore: new MemoryCursorStore(0),
        reconnect: true,
        ackIntervalMs: 100,
        backoff: { initialMs: 100, maxMs: 1000 },
        requestTimeoutMs: 15_000,
      });
      await client.connect();
      await client.waitForSynced(30_000);
      clients.push(client);
    }
    return new Bystanders(clients, new ServerApiClient(apiUrl, app), users, runId);
  }

  /** Sends every `intervalMs`, alternating WebSocket and Server API, round robin over the users. */
  begin(intervalMs: number): void {
    this.loop = (async () => {
      while (this.running) {
        const n = ++this.n;
        const from = n % this.users.length;
        const to = (from + 1 + (n % (this.users.length - 1))) % this.users.length;
        const job = n % 3 === 0 ? this.viaHttp(n, from, to) : this.viaWs(n, from, to);
        this.pending.add(job);
        void job.finally(() => this.pending.delete(job));
        await sleep(intervalMs);
      }
    })();
  }

  get sentCount(): number {
    return this.sent.length;
  }

  /** Stops sending, waits for the answers, then for every message to reach its recipient. */
  async finish(deliveryTimeoutMs = 30_000): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all([...this.pending]);
    const missing = () => this.sent.filter((s) => !this.received.get(s.to)!.has(s.n));
    // Only accepted messages are expected (failed sends are incidents already).
    await waitFor(() => missing().length === 0, 'bystander deliveries', deliveryTimeoutMs).catch(() => undefined);
    for (const s of missing()) this.incidents.push({ what: 'not-delivered', at: s.at, detail: `message ${s.n} (${s.via}) from ${this.users[s.from]} to ${this.users[s.to]} was accepted but not delivered within ${deliveryTimeoutMs} ms` });
  }

  async close(): Promise<void> {
    this.running = false;
    await Promise.all(this.clients.map((c) => c.close().catch(() => undefined)));
  }

  private async viaWs(n: number, from: number, to: number): Promise<void> {
    const at = Date.now();
    try {
      await this.clients[from].send({ conversationType: 'private', targetId: this.users[to], objectName: 'RC:TxtMsg', content: { content: `bystander ${n}`, by: this.tag, n } });
      this.wsAccepted++;
      this.sent.push({ n, from, to, via: 'ws', at });
    } catch (err) {
      const e = err as { code?: string; message?: string };
      this.incidents.push({ what: 'ws-send-failed', at, detail: `${this.users[from]} -> ${this.users[to]} message ${n}: ${e.code ?? ''} ${e.message ?? ''}`.slice(0, 300) });
    }
  }

  private async viaHttp(n: number, from: number, to: number): Promise<void> {
    const at = Date.now();
    try {
      const answer = await this.api.call('message/private/publish', {
        fromUserId: this.users[from],
        toUserId: this.users[to],
        objectName: 'RC:TxtMsg',
        content: JSON.stringify({ content: `bystander ${n}`, by: this.tag, n }),
      });
      if (answer.status === 200 && answer.body.code === 200) {
        this.httpAccepted++;
        this.sent.push({ n, from, to, via: 'http', at });
      } else this.incidents.push({ what: 'http-publish-failed', at, detail: `message ${n}: ${answer.status} ${answer.text.slice(0, 200)}` });
    } catch (err) {
      this.incidents.push({ what: 'http-publish-failed', at, detail: `message ${n}: ${(err as Error).message.slice(0, 200)}` });
    }
  }
}

function bystanderNumber(message: Message, tag: string): number | undefined {
  try {
    const content = JSON.parse(message.content) as { by?: unknown; n?: unknown };
    return content.by === tag && typeof content.n === 'number' ? content.n : undefined;
  } catch {
    return undefined;
  }
}
