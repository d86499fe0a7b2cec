import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpDrain } from './http-drain';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A server answering after `delayMs` (never, for `hang`), and a client sending its next request as soon as one is answered. */
async function busyServer(delayMs: number) {
  const server: Server = createServer((req, res) => {
    if (req.url === '/hang') return;
    setTimeout(() => res.end('ok'), delayMs);
  });
  const drain = new HttpDrain(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let running = true;
  const outcomes = { answered: 0, closeHeaders: 0, failed: 0 };
  const client = (async () => {
    while (running) {
      try {
        const res = await fetch(url, { method: 'POST', body: '{}' });
        await res.text();
        outcomes.answered += 1;
        if (res.headers.get('connection') === 'close') outcomes.closeHeaders += 1;
      } catch {
        outcomes.failed += 1;
        await sleep(5);
      }
    }
  })();
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  return {
    server,
    drain,
    url,
    outcomes,
    closed,
    async stopClient() {
      running = false;
      await client;
    },
  };
}

describe('HttpDrain', () => {
  const clients: { stopClient(): Promise<void>; server: Server }[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) {
      c.server.closeAllConnections();
      await c.stopClient();
    }
  });

  it('closes a server whose client sends its next request as soon as one is answered (its connection is never idle)', async () => {
    const busy = await busyServer(5);
    clients.push(busy);
    await sleep(200);
    const started = Date.now();
    const report = await busy.drain.drain(5_000);
    await busy.closed;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(report.cutOff).toBe(0);
    await busy.stopClient();
    expect(busy.outcomes.answered).toBeGreaterThan(0);
    // A request in flight was answered, and told the client to close.
    expect(busy.outcomes.closeHeaders).toBe(report.inFlight);
  });

  it('answers requests in flight before closing, and cuts off what is still open after the grace period', async () => {
    const slow = await busyServer(300);
    clients.push(slow);
    await sleep(50);
    const hanging = fetch(`${slow.url}/hang`).then(
      () => 'answered',
      () => 'cut off',
    );
    await sleep(50);
    const started = Date.now();
    const report = await slow.drain.drain(1_000);
    await slow.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(report.cutOff).toBe(1);
    expect(await hanging).toBe('cut off');
    await slow.stopClient();
    // The busy client's request (in flight unless the drain fell between two of them) was answered, with Connection: close.
    expect(slow.outcomes.closeHeaders).toBe(report.inFlight - 1);
  });
});
