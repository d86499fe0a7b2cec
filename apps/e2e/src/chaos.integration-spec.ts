import { join } from 'node:path';
import { CHAOS_SHORT, GUARANTEES_KEPT, REPO_ROOT, guaranteeCounts, runChaos } from '@msync/testing';

/**
 * The fault test, short version (the full one is `npm run chaos`). Devices under steady load, each a
 * real client (reconnects with its cursor, sends again with the same clientMsgId until answered); one
 * after another: fan-out, ingestion and the gateway killed with SIGKILL and restarted, the Kafka broker
 * killed and restarted, PostgreSQL restarted in immediate mode. It runs on a Kafka broker and a
 * PostgreSQL cluster of its own (libs/testing/src/private-infra.ts): the shared ones stay untouched
 * for the spec files running next to it.
 */
describe('chaos: faults under load', () => {
  it('delivers every accepted message to every device exactly once, in order, without gaps or dead letters, and recovers from each fault', async () => {
    const verbose = process.env.CHAOS_VERBOSE === 'true';
    const report = await runChaos({
      ...CHAOS_SHORT,
      seed: Number(process.env.CHAOS_SEED ?? CHAOS_SHORT.seed),
      logDir: join(REPO_ROOT, '.local', 'chaos', `spec-${new Date().toISOString().replace(/[:.]/g, '-')}`),
      log: verbose ? (msg, extra) => process.stderr.write(`${JSON.stringify({ msg, ...extra })}\n`) : undefined,
    });
    const { summary } = report;
    process.stderr.write(`chaos summary: ${JSON.stringify(summary)}\n`);
    if (!summary.ok) {
      process.stderr.write(`chaos failures: ${JSON.stringify({ examples: report.check.examples, deadLetters: report.deadLetters.samples, logs: report.logDir })}\n`);
    }

    expect(summary.accepted).toBeGreaterThan(CHAOS_SHORT.ratePerS * 10);
    expect(guaranteeCounts(summary)).toEqual(GUARANTEES_KEPT);
    expect(summary.faults.map((f) => f.fault)).toEqual(CHAOS_SHORT.faults.map((f) => `${f.action} ${f.target}`));
    for (const fault of summary.faults) {
      expect({ fault: fault.fault, sendsResumed: fault.recoverySendMs !== null, deliveriesResumed: fault.recoveryDeliveryMs !== null }).toEqual({
        fault: fault.fault,
        sendsResumed: true,
        deliveriesResumed: true,
      });
    }
    expect(summary.failures).toEqual([]);
  }, 420_000);
});
