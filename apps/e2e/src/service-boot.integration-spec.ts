import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, freePort, startService, waitFor, type ServiceName, type ServiceProcess } from '@msync/testing';

const SERVICES: ServiceName[] = ['ingestion', 'session', 'fanout', 'recall', 'compensation'];
const run = promisify(execFile);

describe('each service boots on the real infrastructure', () => {
  const started: ServiceProcess[] = [];
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop('SIGKILL')));
  });

  it('answers /healthz, /readyz and /metrics, then stops gracefully on SIGTERM', async () => {
    // Wired like a deployment: this ingestion shares the inbound-commands consumer group with the other
    // specs' systems, so a recall command may land here and must reach a recall service.
    const recall = await startService('recall');
    const others = await Promise.all(SERVICES.filter((n) => n !== 'recall').map((name) => startService(name, { env: name === 'ingestion' ? { RECALL_URL: recall.url } : {} })));
    const services = SERVICES.map((name) => (name === 'recall' ? recall : others.find((s) => s.name === name)!));
    started.push(...services);
    for (const service of services) {
      const health = await fetch(`${service.url}/healthz`);
      expect(health.status).toBe(200);

      const ready = await fetch(`${service.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', details: { kafka: { status: 'up' }, postgres: { status: 'up' }, shutdown: { status: 'up' } } });

      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      expect(metrics).toContain(`process_cpu_user_seconds_total{service="${service.name}"}`);
      expect(metrics).toContain('# TYPE kafka_handler_duration_seconds histogram');
      expect(metrics).toContain('# TYPE kafka_consumer_lag gauge');

      // Every log line is JSON and names the service.
      const first = JSON.parse(service.lines[0]);
      expect(first.service).toBe(service.name);
    }
    const codes = await Promise.all(services.map((s) => s.stop('SIGTERM')));
    expect(codes).toEqual(SERVICES.map(() => 0));
    for (const service of services) expect(service.lines.some((l) => l.includes('"shutdown complete"'))).toBe(true);
  });

  it.each([
    ['KAFKA_BROKERS', { KAFKA_BROKERS: '' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://nope' }],
    ['HTTP_PORT', { HTTP_PORT: 'eighty' }],
  ])('exits non-zero naming %s when it is bad', async (variable, env) => {
    const service = await startService('fanout', { env, waitReady: false });
    started.push(service);
    expect(await service.exited).toBe(1);
    expect(service.lines.join('\n')).toContain(`${variable}:`);
  });
});

describe('/readyz follows Kafka', () => {
  // A broker of its own, so stopping it does not disturb the rest of the suite.
  const kafkaScript = join(REPO_ROOT, 'deploy', 'local', 'kafka.sh');
  let env: NodeJS.ProcessEnv;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    const [port, controllerPort] = [await freePort(), await freePort()];
    env = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_HOME_DIR: join(REPO_ROOT, '.local', `kafka-outage-${port}`),
      KAFKA_CACHE_DIR: join(REPO_ROOT, '.local', 'kafka', 'dist'),
      KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m',
    };
    await run('bash', [kafkaScript, 'start'], { env });
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await run('bash', [kafkaScript, 'reset'], { env }).catch(() => undefined);
  });

  const readyStatus = async () => (await fetch(`${service!.url}/readyz`)).status;

  it('reports not-ready while the broker is stopped and ready again once it is back', async () => {
    // A brand-new cluster creates its internal topics on first use: allow it more time than usual.
    service = await startService('recall', { env: { KAFKA_BROKERS: `127.0.0.1:${env.KAFKA_PORT}` }, waitReady: false });
    await service.waitReady(90_000);
    expect(await readyStatus()).toBe(200);

    await run('bash', [kafkaScript, 'stop'], { env });
    await waitFor(async () => (await readyStatus()) === 503, '/readyz to answer 503', 30_000, 250);
    const body = (await (await fetch(`${service.url}/readyz`)).json()) as { status: string; details: Record<string, { status: string }> };
    expect(body.status).toBe('error');
    expect(body.details.kafka.status).toBe('down');
    expect(body.details.postgres.status).toBe('up');

    await run('bash', [kafkaScript, 'start'], { env });
    await waitFor(async () => (await readyStatus()) === 200, '/readyz to answer 200 again', 60_000, 250);
  });
});
