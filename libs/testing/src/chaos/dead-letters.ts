import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { sleep } from '../wait';

export interface DeadLetterReport {
  /** Records in every `*.dlq.v<n>` topic of the broker. */
  total: number;
  byTopic: Record<string, number>;
  /** A few of them with their `x-dlq-*` headers: why they were dead-lettered. */
  samples: { topic: string; sourceTopic?: string; errorClass?: string; error?: string; attempts?: string }[];
}

const header = (headers: Record<string, unknown> | undefined, name: string): string | undefined => {
  const v = headers?.[name];
  if (v === undefined || v === null) return undefined;
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
};

/**
 * Counts what the dead-letter topics of a (private) broker hold, and reads a few records for their
 * headers. Every record a test produced there is a valid one, so any count above 0 is a record the
 * services gave up on.
 */
export async function readDeadLetters(brokers: string[], samplesPerTopic = 3): Promise<DeadLetterReport> {
  const kafka = new Kafka({ brokers, clientId: 'chaos-dlq-reader', logLevel: logLevel.NOTHING, retry: { retries: 5 } });
  const admin = kafka.admin();
  await admin.connect();
  const byTopic: Record<string, number> = {};
  try {
    const topics = (await admin.listTopics()).filter((t) => /\.dlq\.v\d+$/.test(t)).sort();
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      byTopic[topic] = offsets.reduce((n, p) => n + (Number(p.high) - Number(p.low)), 0);
    }
  } finally {
    await admin.disconnect();
  }
  const total = Object.values(byTopic).reduce((a, b) => a + b, 0);
  const samples: DeadLetterReport['samples'] = [];
  const withRecords = Object.keys(byTopic).filter((t) => byTopic[t] > 0);
  if (withRecords.length > 0) {
    const consumer = kafka.consumer({ groupId: `chaos-dlq-reader-${randomBytes(4).toString('hex')}` });
    const wanted = withRecords.reduce((n, t) => n + Math.min(samplesPerTopic, byTopic[t]), 0);
    const perTopic = new Map<string, number>();
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: withRecords, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic, message }) => {
          const n = perTopic.get(topic) ?? 0;
          if (n >= samplesPerTopic) return;
          perTopic.set(topic, n + 1);
          const h = message.headers as Record<string, unknown> | undefined;
          samples.push({
            topic,
            sourceTopic: header(h, 'x-dlq-source-topic'),
            errorClass: header(h, 'x-dlq-error-class'),
            error: header(h, 'x-dlq-error')?.slice(0, 300),
            attempts: header(h, 'x-dlq-attempts'),
          });
        },
      });
      const deadline = Date.now() + 20_000;
      while (samples.length < wanted && Date.now() < deadline) await sleep(100);
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }
  return { total, byTopic, samples };
}
