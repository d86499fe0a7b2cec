import { join } from 'node:path';
import { GUARANTEES_KEPT, REPO_ROOT, SCALING_CI, guaranteeCounts, runScaling } from '@msync/testing';

/**
 * Scaling under load: the two fan-out stages in processes of their own (FANOUT_STAGES, as deploy/k8s
 * runs them), each scaled 1 -> 3 -> 1 replicas (new processes started, then stopped with SIGTERM as a
 * scale-in does), then a second gateway added behind the devices' load balancer and removed (its
 * devices reconnect to the other with their cursor). Devices are real clients under steady load. On
 * a Kafka broker and PostgreSQL cluster of its own (libs/testing/src/private-infra.ts). Prints the
 * pause and the lag peak of every change.
 */
describe('scaling: fan-out stages and gateways under load', () => {
  it('delivers every accepted message to every device exactly once, in order, without gaps, through every change', async () => {
    const verbose = process.env.CHAOS_VERBOSE === 'true';
    const report = await runScaling({
      ...SCALING_CI,
      logDir: join(REPO_ROOT, '.local', 'chaos', `scaling-${new Date().toISOString().replace(/[:.]/g, '-')}`),
      log: verbose ? (msg, extra) => process.stderr.write(`${JSON.stringify({ msg, ...extra })}\n`) : undefined,
    });
    const { summary } = report;
    process.stderr.write(`scaling summary: ${JSON.stringify(summary)}\n`);
    for (const s of summary.steps) {
      process.stderr.write(`scaling step ${s.step}: change ${s.changeMs} ms, send pause ${s.sendPauseMs} ms, delivery pause ${s.deliveryPauseMs} ms, lag peak ${JSON.stringify(s.lagPeak)}${s.devicesMoved !== undefined ? `, devices on the added gateway ${s.devicesMoved}` : ''}\n`);
    }
    if (!summary.ok) process.stderr.write(`scaling failures: ${JSON.stringify({ failures: summary.failures, examples: report.check.examples, deadLetters: report.deadLetters.samples, logs: report.logDir })}\n`);

    expect(summary.accepted).toBeGreaterThan(SCALING_CI.ratePerS * 20);
    expect(summary.steps.map((s) => s.step)).toEqual(SCALING_CI.steps);
    // The second gateway held devices (they moved to it, then back to the first when it went).
    expect(summary.steps.find((s) => s.step === 'gateway -1')!.devicesMoved).toBeGreaterThan(0);
    expect(guaranteeCounts(summary)).toEqual(GUARANTEES_KEPT);
    expect(summary.failures).toEqual([]);
  }, 300_000);
});
