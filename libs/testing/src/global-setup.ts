import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { resolveTestInfra } from './infra';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Runs once per jest run: finds the real Kafka and PostgreSQL (never a stand-in), checks that
 * they answer, applies migrations and builds the services that tests start as processes.
 */
export default async function globalSetup(): Promise<void> {
  const infra = await resolveTestInfra();
  process.env.KAFKA_BROKERS = infra.kafkaBrokers.join(',');
  process.env.DATABASE_URL = infra.databaseUrl;
  (globalThis as { __MSYNC_INFRA__?: unknown }).__MSYNC_INFRA__ = infra;

  const admin = new Kafka({ brokers: infra.kafkaBrokers, clientId: 'msync-test-setup', logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (err) {
    throw new Error(`Kafka at ${infra.kafkaBrokers.join(',')} does not answer (${(err as Error).message}). Run \`npm run infra:up\`.`);
  } finally {
    await admin.disconnect();
  }

  const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'pipe', env: process.env });
  run([join(ROOT, 'node_modules', '@swc', 'cli', 'bin', 'swc.js'), 'apps', 'libs', 'tools', 'examples', '-d', 'dist', '--config-file', '.swcrc', '-q']);
  run([join(ROOT, 'dist', 'libs', 'persistence', 'src', 'migrate.cli.js')]);
}
