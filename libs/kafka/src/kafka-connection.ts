import { Kafka, Partitioners, type Admin, type Producer } from 'kafkajs';
import { fullTopicManifest } from '@msync/contracts';
import { loggerFor } from '@msync/service-kit';
import { EventConsumer, type ConsumerSpec } from './event-consumer';
import { EventProducer } from './event-producer';
import { LagMonitor } from './lag-monitor';
import { kafkaLogCreator } from './kafka-logging';
import { provisionTopics } from './topic-provisioner';
import { noDelaySocketFactory } from './socket-factory';
import { patchKafkajsRequestQueue } from './request-queue-patch';
import { countRequests } from './request-metrics';

/** kafkajs 2.2.4's idle 1 ms timer per broker connection, fixed when this module loads (see request-queue-patch.ts). */
const requestQueuePatch = patchKafkajsRequestQueue();
let requestQueuePatchLogged = false;

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
  provisionTopics: boolean;
  replicationFactor?: number;
  maxRetries?: number;
  sessionTimeoutMs?: number;
  validateOnProduce?: boolean;
  /** Put before every consumer group id (deployments sharing a broker). */
  groupPrefix?: string;
  /** KAFKA_BATCH_INTERVAL_MS: least time between produce requests, and between a fetch and the next, under load. */
  batchIntervalMs?: number;
}

/**
 * Tries of one request while a broker is away, at most a second apart, so a broker that is back is
 * used again within a second. Bounded: a send fails after about three seconds (its caller answers
 * `unavailable` and the client sends again with the same id) instead of piling up behind an outage.
 */
const BROKER_RETRY = { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 };

/**
 * The one Kafka seam of a process: client, idempotent producer, admin, and the consumers it
 * started (stopped before the producer on shutdown, so their last commits go through).
 */
export class KafkaConnection {
  readonly kafka: Kafka;
  readonly producer: EventProducer;
  private readonly rawProducer: Producer;
  private readonly admin: Admin;
  private readonly consumers: EventConsumer<unknown>[] = [];
  private lagMonitor?: LagMonitor;
  private readonly log = loggerFor('KafkaConnection');

  constructor(private readonly options: KafkaConnectionOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      retry: BROKER_RETRY,
      logCreator: kafkaLogCreator(),
      socketFactory: noDelaySocketFactory,
    });
    this.rawProducer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: BROKER_RETRY,
    });
    this.producer = new EventProducer(this.rawProducer, options.validateOnProduce ?? false, options.batchIntervalMs ?? 0);
    this.admin = this.kafka.admin({ retry: { retries: 0 } });
    countRequests('producer', this.rawProducer);
    countRequests('admin', this.admin);
    if (!requestQueuePatchLogged) {
      requestQueuePatchLogged = true;
      if (requestQueuePatch.applied) this.log.info({ kafkajs: requestQueuePatch.version }, 'kafkajs RequestQueue idle-timer fix applied');
      else this.log.warn({ kafkajs: requestQueuePatch.version, reason: requestQueuePatch.reason }, 'kafkajs RequestQueue idle-timer fix NOT applied');
    }
  }

  async connect(): Promise<void> {
    await this.admin.connect();
    if (this.options.provisionTopics) {
      const report = await provisionTopics(this.admin, fullTopicManifest(), this.options.replicationFactor ?? 1);
      this.log.info({ created: report.created, expanded: report.expanded }, 'topics provisioned');
    }
    await this.rawProducer.connect();
  }

  /** Creates and starts a consumer; it is stopped by `close()`. */
  async startConsumer<V>(spec: ConsumerSpec<V>): Promise<EventConsumer<V>> {
    const consumer = new EventConsumer<V>(
      this.kafka,
      { maxRetries: this.options.maxRetries, sessionTimeoutMs: this.options.sessionTimeoutMs, minFetchIntervalMs: this.options.batchIntervalMs, ...spec, groupId: `${this.options.groupPrefix ?? ''}${spec.groupId}` },
      this.producer,
    );
    this.consumers.push(consumer as EventConsumer<unknown>);
    (this.lagMonitor ??= new LagMonitor(this.admin)).add({ groupId: consumer.groupId, topics: spec.topics, fromBeginning: spec.fromBeginning ?? true });
    await consumer.start();
    return consumer;
  }

  /** Readiness probe: a metadata round trip to the cluster, and no consumer dead for good. */
  async check(): Promise<void> {
    await this.admin.describeCluster();
    const dead = this.consumers.find((c) => c.failure);
    if (dead) throw new Error(`consumer ${dead.groupId} stopped: ${dead.failure!.message}`);
  }

  async stopConsumers(): Promise<void> {
    this.lagMonitor?.stop();
    await Promise.allSettled(this.consumers.map((c) => c.stop()));
  }

  async close(): Promise<void> {
    await this.stopConsumers();
    await Promise.allSettled([this.rawProducer.disconnect(), this.admin.disconnect()]);
  }
}

/** Connection options from the validated KAFKA_* variables. */
export function kafkaOptionsFromEnv(
  env: {
    KAFKA_BROKERS: string[];
    KAFKA_CLIENT_ID: string;
    KAFKA_PROVISION_TOPICS: boolean;
    KAFKA_REPLICATION_FACTOR: number;
    KAFKA_HANDLER_MAX_RETRIES: number;
    KAFKA_SESSION_TIMEOUT_MS: number;
    KAFKA_VALIDATE_ON_PRODUCE: boolean;
    KAFKA_GROUP_PREFIX?: string;
    KAFKA_BATCH_INTERVAL_MS?: number;
  },
  service: string,
): KafkaConnectionOptions {
  return {
    brokers: env.KAFKA_BROKERS,
    clientId: `${env.KAFKA_CLIENT_ID}-${service}`,
    provisionTopics: env.KAFKA_PROVISION_TOPICS,
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    maxRetries: env.KAFKA_HANDLER_MAX_RETRIES,
    sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    validateOnProduce: env.KAFKA_VALIDATE_ON_PRODUCE,
    groupPrefix: env.KAFKA_GROUP_PREFIX,
    batchIntervalMs: env.KAFKA_BATCH_INTERVAL_MS,
  };
}
