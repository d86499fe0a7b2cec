import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { fullTopicManifest } from '@msync/contracts';
import { createDataSource } from '@msync/persistence';
import { ConfigError, databaseEnvSchema, kafkaEnvSchema, parseConfig } from '@msync/service-kit';
import { missingPrerequisites, type PrerequisiteState } from './prerequisites';

/**
 * Init container of every service pod (deploy/k8s): waits until this image's migrations are applied
 * and every topic of the manifest exists (the msync-migrate and msync-provision-topics Jobs, or
 * Strimzi, do that), then exits 0. Exits 1 after PREREQUISITES_TIMEOUT_MS; the kubelet retries it.
 * It only reads: no schema or topic is ever changed from here.
 */
const configSchema = z.object({
  DATABASE_URL: databaseEnvSchema.shape.DATABASE_URL,
  KAFKA_BROKERS: kafkaEnvSchema.shape.KAFKA_BROKERS,
  PREREQUISITES_TIMEOUT_MS: z.coerce.number().int().min(1000).default(300_000),
});

const log = (fields: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'await-prerequisites', ...fields })}\n`);

async function main() {
  const config = parseConfig(configSchema);
  const manifest = fullTopicManifest();
  const db = createDataSource({ url: config.DATABASE_URL, poolSize: 1, applicationName: 'msync-await-prerequisites' });
  const admin = new Kafka({ brokers: config.KAFKA_BROKERS, clientId: 'msync-await-prerequisites', logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  const deadline = Date.now() + config.PREREQUISITES_TIMEOUT_MS;
  let lastReport = '';
  let lastReportAt = 0;
  for (;;) {
    let missing: string[];
    try {
      if (!db.isInitialized) await db.initialize();
      await admin.connect();
      const expected = db.migrations.map((m) => m.name ?? m.constructor.name);
      missing = missingPrerequisites(expected, manifest, await readState(db, admin, manifest.map((t) => t.name)));
    } catch (err) {
      missing = [`cannot check yet: ${(err as Error).message}`];
    }
    if (missing.length === 0) {
      log({ level: 'info', msg: 'prerequisites met' });
      break;
    }
    const report = missing.join('; ');
    if (report !== lastReport || Date.now() - lastReportAt > 15_000) {
      log({ level: 'info', msg: 'waiting for prerequisites', missing });
      lastReport = report;
      lastReportAt = Date.now();
    }
    if (Date.now() > deadline) {
      log({ level: 'error', msg: 'prerequisites not met in time', missing, timeoutMs: config.PREREQUISITES_TIMEOUT_MS });
      process.exitCode = 1;
      break;
    }
    await new Promise((r) => setTimeout(r, 2_000));
  }
  await Promise.allSettled([admin.disconnect(), db.isInitialized ? db.destroy() : undefined]);
}

async function readState(db: ReturnType<typeof createDataSource>, admin: ReturnType<Kafka['admin']>, topics: string[]): Promise<PrerequisiteState> {
  let appliedMigrations: string[] = [];
  try {
    const rows: { name: string }[] = await db.query('SELECT name FROM schema_migrations');
    appliedMigrations = rows.map((r) => r.name);
  } catch (err) {
    // 42P01: the table does not exist yet (nothing migrated).
    if ((err as { code?: string }).code !== '42P01') throw err;
  }
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((t) => existing.has(t));
  const metadata = present.length > 0 ? await admin.fetchTopicMetadata({ topics: present }) : { topics: [] };
  return { appliedMigrations, topicPartitions: new Map(metadata.topics.map((t) => [t.name, t.partitions.length])) };
}

main().catch((err) => {
  process.stderr.write(`await-prerequisites: ${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
  process.exit(1);
});
