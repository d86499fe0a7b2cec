import { join } from 'node:path';
import { CHAOS_BROKER_LOSS, CHAOS_FULL, CHAOS_SHORT, REPO_ROOT, runChaos, type ChaosOptions, type FaultSpec, type ServiceName } from '@msync/testing';

/**
 * `npm run chaos`: the fault test at full length, on a private Kafka broker and PostgreSQL cluster
 * (never the shared ones). Progress as JSON lines on stderr; the last stdout line is one JSON summary.
 * Exit code 1 when anything was lost, doubled, out of order, dead-lettered, did not recover, or a
 * SIGTERM did not finish within SHUTDOWN_TIMEOUT_MS.
 *
 * Knobs: CHAOS_MODE=full|short|broker-loss (a three-broker cluster, one broker killed and brought back, then another), CHAOS_SEED, CHAOS_RATE (msg/s), CHAOS_USERS, CHAOS_DEVICES (per user),
 * CHAOS_FAULTS (e.g. "kill:fanout,kill:kafka,restart:postgres", or "none"), CHAOS_SIGTERM (services, or "none"),
 * CHAOS_SETTLE_MS, CHAOS_DOWN_MS, CHAOS_CLUSTER=true|false (three brokers; "kill:broker" faults need it), CHAOS_LOG_DIR (service logs; default .local/chaos/<time>).
 */
const log = (msg: string, extra: Record<string, unknown> = {}) => process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), msg, ...extra })}\n`);

function options(): ChaosOptions {
  const env = process.env;
  const preset = env.CHAOS_MODE === 'short' ? CHAOS_SHORT : env.CHAOS_MODE === 'broker-loss' ? CHAOS_BROKER_LOSS : CHAOS_FULL;
  const num = (name: string, fallback: number) => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`${name}=${v} is not a number`);
    return n;
  };
  const list = (name: string) => (env[name] === 'none' ? [] : (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const faults = env.CHAOS_FAULTS
    ? list('CHAOS_FAULTS').map((f): FaultSpec => {
        const [action, target] = f.split(':');
        if ((action !== 'kill' && action !== 'restart') || !target) throw new Error(`CHAOS_FAULTS: "${f}" is not kill:<target> or restart:postgres`);
        return { action, target: target as FaultSpec['target'] };
      })
    : preset.faults;
  return {
    ...preset,
    seed: num('CHAOS_SEED', preset.seed),
    ratePerS: num('CHAOS_RATE', preset.ratePerS),
    users: num('CHAOS_USERS', preset.users),
    devicesPerUser: num('CHAOS_DEVICES', preset.devicesPerUser),
    settleMs: num('CHAOS_SETTLE_MS', preset.settleMs),
    downMs: num('CHAOS_DOWN_MS', preset.downMs),
    faults,
    sigterm: env.CHAOS_SIGTERM ? (list('CHAOS_SIGTERM') as ServiceName[]) : preset.sigterm,
    logDir: env.CHAOS_LOG_DIR ?? join(REPO_ROOT, '.local', 'chaos', new Date().toISOString().replace(/[:.]/g, '-')),
    log,
    cluster: env.CHAOS_CLUSTER ? env.CHAOS_CLUSTER === 'true' : preset.cluster,
  };
}

async function main() {
  const o = options();
  log('chaos run', { seed: o.seed, ratePerS: o.ratePerS, faults: o.faults.map((f) => `${f.action} ${f.target}`), sigterm: o.sigterm, logDir: o.logDir });
  const report = await runChaos(o);
  if (!report.summary.ok) log('failures', { failures: report.summary.failures, examples: report.check.examples, deadLetterSamples: report.deadLetters.samples, logDir: report.logDir });
  process.stdout.write(`${JSON.stringify(report.summary)}\n`);
  process.exitCode = report.summary.ok ? 0 : 1;
}

// Ctrl-C: exit normally, so the private broker and database are stopped by their exit hooks.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().catch((err) => {
  log('chaos run failed', { error: (err as Error).stack ?? String(err) });
  process.exit(2);
});
