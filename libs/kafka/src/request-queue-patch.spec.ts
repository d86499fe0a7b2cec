import { createHook } from 'node:async_hooks';
import { PATCHED_KAFKAJS_VERSION, installedKafkajsVersion, patchKafkajsRequestQueue, requestQueueClass } from './request-queue-patch';

/** kafkajs' RequestQueue with the override applied, driven directly (no broker). */
type Queue = {
  push(r: { entry: Record<string, unknown>; expectResponse: boolean; sendRequest: () => void }): void;
  fulfillRequest(r: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
  pending: unknown[];
  throttleCheckTimeoutId: unknown;
};

const silent = { debug: () => undefined, warn: () => undefined, info: () => undefined, error: () => undefined };

function newQueue(maxInFlightRequests: number | null = null): Queue {
  const RequestQueue = requestQueueClass() as unknown as new (o: Record<string, unknown>) => Queue;
  return new RequestQueue({ maxInFlightRequests, requestTimeout: 10_000, enforceRequestTimeout: false, clientId: 'spec', broker: 'b:1', logger: silent });
}

let nextId = 1;
function request(sent: number[]) {
  const correlationId = nextId++;
  const entry = { correlationId, apiKey: 1, apiName: 'Fetch', apiVersion: 11, resolve: () => undefined, reject: () => undefined };
  return { correlationId, pushed: { entry, expectResponse: true, sendRequest: () => sent.push(correlationId) } };
}

/** Timers (setTimeout/setInterval) created while `fn` runs and `ms` after. */
async function timersCreated(ms: number, fn: () => void = () => undefined): Promise<number> {
  let created = 0;
  const hook = createHook({ init: (_id, type) => void (type === 'Timeout' && (created += 1)) }).enable();
  fn();
  await new Promise<void>((r) => {
    const t = Date.now();
    const tick = () => (Date.now() - t >= ms ? r() : setImmediate(tick));
    tick();
  });
  hook.disable();
  return created;
}

describe('kafkajs RequestQueue idle-timer override', () => {
  beforeAll(() => patchKafkajsRequestQueue());

  it('matches the installed kafkajs (fails on a version bump: re-check the upstream fix, then update or drop the override)', () => {
    expect(installedKafkajsVersion()).toBe(PATCHED_KAFKAJS_VERSION);
    expect(patchKafkajsRequestQueue()).toEqual({ applied: true, version: PATCHED_KAFKAJS_VERSION });
  });

  it('arms no timer once a request is answered and nothing is pending', async () => {
    const q = newQueue();
    const sent: number[] = [];
    const { correlationId, pushed } = request(sent);
    const created = await timersCreated(200, () => {
      q.push(pushed);
      q.fulfillRequest({ correlationId, payload: Buffer.alloc(0), size: 0 });
    });
    expect(sent).toEqual([correlationId]);
    expect(q.throttleCheckTimeoutId).toBeNull();
    expect(created).toBe(0); // kafkajs 2.2.4 as shipped: ~150 in 200 ms, for ever
    q.destroy();
  });

  it('still holds requests back until a client-side throttle ends, then sends them in order', async () => {
    const q = newQueue();
    const sent: number[] = [];
    const a = request(sent);
    const b = request(sent);
    q.maybeThrottle(150);
    const t0 = Date.now();
    q.push(a.pushed);
    q.push(b.pushed);
    expect(sent).toEqual([]);
    await new Promise((r) => setTimeout(r, 80));
    expect(sent).toEqual([]);
    while (sent.length < 2 && Date.now() - t0 < 2_000) await new Promise((r) => setTimeout(r, 5));
    expect(sent).toEqual([a.correlationId, b.correlationId]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
    expect(q.pending).toHaveLength(0);
    q.destroy();
  });

  it('still sends a request that waited for an in-flight slot as soon as one is answered', () => {
    const q = newQueue(1);
    const sent: number[] = [];
    const a = request(sent);
    const b = request(sent);
    q.push(a.pushed);
    q.push(b.pushed);
    expect(sent).toEqual([a.correlationId]);
    q.fulfillRequest({ correlationId: a.correlationId, payload: Buffer.alloc(0), size: 0 });
    expect(sent).toEqual([a.correlationId, b.correlationId]);
    q.destroy();
  });
});
