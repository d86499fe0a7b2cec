import { Client } from 'pg';
import { sleep } from '../wait';
import { checkChaosRun, checkFailures, type CheckResult, type StoredStreamEvent } from './checker';
import { readDeadLetters, type DeadLetterReport } from './dead-letters';
import type { ChaosLoad, LoadRunOptions } from './load';

export async function readStreams(databaseUrl: string, appKey: string): Promise<Record<string, StoredStreamEvent[]>> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ user_id: string; seq: number; event_type: string; message_uid: string }>(
      'SELECT user_id, seq::int AS seq, event_type, message_uid FROM stream_events WHERE app_key = $1 ORDER BY user_id, seq',
      [appKey],
    );
    const streams: Record<string, StoredStreamEvent[]> = {};
    for (const r of rows) (streams[r.user_id] ??= []).push({ seq: r.seq, type: r.event_type, messageUid: r.message_uid });
    return streams;
  } finally {
    await db.end();
  }
}

export interface LoadOutcome {
  check: CheckResult;
  deadLetters: DeadLetterReport;
  /** What broke a guarantee every run keeps (the run adds its own). */
  failures: string[];
}

/**
 * The end of a fault or scaling run: stop creating messages, wait for the last answers and
 * deliveries, until every device is at its stream's head (a late duplicate would show up then),
 * then check the run. Every request of the load is valid, so a dead letter, an unanswered or refused
 * send, an `internal` answer (an outage must read `unavailable`) or a kick is a failure.
 */
export async function settleAndCheck(
  load: ChaosLoad,
  o: Pick<LoadRunOptions, 'drainTimeoutMs' | 'deliveryTimeoutMs'>,
  where: { databaseUrl: string; appKey: string; brokers: string[] },
  log: (msg: string, extra?: Record<string, unknown>) => void,
): Promise<LoadOutcome> {
  load.stopGenerating();
  const drained = await load.drain(o.drainTimeoutMs);
  log('load stopped', { drained, sent: load.messages.length });
  const deadline = Date.now() + o.deliveryTimeoutMs;
  while (load.undelivered() > 0 && Date.now() < deadline) await sleep(250);
  let streams = await readStreams(where.databaseUrl, where.appKey);
  const atHead = () => load.devices.every((d) => (d.client.cursor ?? 0) === (streams[d.user]?.at(-1)?.seq ?? 0));
  const headDeadline = Date.now() + 15_000;
  while (!atHead() && Date.now() < headDeadline) {
    await sleep(250);
    streams = await readStreams(where.databaseUrl, where.appKey);
  }
  log('deliveries settled', { undelivered: load.undelivered(), atHead: atHead() });

  const deadLetters = await readDeadLetters(where.brokers);
  const check = checkChaosRun({ messages: load.messages, devices: load.deviceLogs(), streams });
  const failures = checkFailures(check);
  if (deadLetters.total > 0) failures.push(`dead-lettered: ${deadLetters.total}`);
  if (check.unanswered > 0) failures.push(`unanswered sends: ${check.unanswered}`);
  if (check.rejected > 0) failures.push(`rejected sends: ${check.rejected}`);
  const internal = load.errors.filter((e) => e.code === 'internal').length;
  if (internal > 0) failures.push(`requests answered internal instead of unavailable: ${internal}`);
  const kicks = load.devices.flatMap((d) => d.kicks.map((k) => `${d.key} ${k}`));
  if (kicks.length > 0) failures.push(`devices kicked: ${kicks.join(', ')}`);
  return { check, deadLetters, failures };
}
