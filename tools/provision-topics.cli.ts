import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { fullTopicManifest } from '@msync/contracts';
import { provisionTopics } from '@msync/kafka';
import { ConfigError, kafkaEnvSchema, parseConfig } from '@msync/service-kit';

/** `npm run kafka:provision`: applies the topic manifest to KAFKA_BROKERS (idempotent) and prints what changed. */
async function main() {
  const config = parseConfig(z.object({ KAFKA_BROKERS: kafkaEnvSchema.shape.KAFKA_BROKERS, KAFKA_REPLICATION_FACTOR: kafkaEnvSchema.shape.KAFKA_REPLICATION_FACTOR }));
  const admin = new Kafka({ brokers: config.KAFKA_BROKERS, clientId: 'msync-provision', logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  try {
    const report = await provisionTopics(admin, fullTopicManifest(), config.KAFKA_REPLICATION_FACTOR);
    process.stdout.write(`${JSON.stringify({ msg: 'topics provisioned', ...report })}\n`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((err) => {
  process.stderr.write(`provision: ${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
  process.exit(1);
});
