import { execFileSync } from 'node:child_process';

export interface TestInfra {
  kafkaBrokers: string[];
  databaseUrl: string;
  source: 'environment' | 'testcontainers';
  /** Stops what this harness started (testcontainers only). */
  stop: () => Promise<void>;
}

export const LOCAL_INFRA_HINT =
  'No Kafka/PostgreSQL for the tests. Run `npm test` (it starts them), or `npm run infra:up` and export ' +
  'KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:5432/msync_test, or start a Docker engine for testcontainers.';

function dockerAnswers(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Hands tests a real Kafka and PostgreSQL: explicit environment first, then testcontainers
 * when a Docker engine answers, otherwise a clear error naming the command that starts local ones.
 */
export async function resolveTestInfra(env: NodeJS.ProcessEnv = process.env): Promise<TestInfra> {
  if (env.KAFKA_BROKERS && env.DATABASE_URL) {
    return {
      kafkaBrokers: env.KAFKA_BROKERS.split(',').map((s) => s.trim()),
      databaseUrl: env.DATABASE_URL,
      source: 'environment',
      stop: async () => undefined,
    };
  }
  if (dockerAnswers()) return startContainers();
  throw new Error(LOCAL_INFRA_HINT);
}

async function startContainers(): Promise<TestInfra> {
  // Loaded lazily: only machines with a Docker engine pay for it.
  const { GenericContainer, Wait } = await import('testcontainers');
  const postgres = await new GenericContainer('postgres:16-alpine')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'msync_test' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const kafkaPort = 19092;
  const kafka = await new GenericContainer('apache/kafka:3.9.1')
    .withExposedPorts({ container: kafkaPort, host: kafkaPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${kafkaPort},CONTROLLER://localhost:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  return {
    kafkaBrokers: [`127.0.0.1:${kafkaPort}`],
    databaseUrl: `postgres://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/msync_test`,
    source: 'testcontainers',
    stop: async () => {
      await Promise.allSettled([kafka.stop(), postgres.stop()]);
    },
  };
}
