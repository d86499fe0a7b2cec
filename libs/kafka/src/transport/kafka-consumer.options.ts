/**
 * How an `@EventPattern(<topic>, kafkaConsumer({...}))` handler is consumed. The pattern is the topic
 * (a name from `Topics` in libs/contracts); these are the extras Nest keeps with the handler.
 */
export interface KafkaConsumerOptions {
  /**
   * Consumer group id (KAFKA_GROUP_PREFIX is put before it). `{instance}` is replaced by the
   * process's stable instance id (the gateway's GATEWAY_ID), `{service}` by the service name and
   * `{random}` by a value new at each start (a process that must read everything on its own).
   */
  group: string;
  /** Where a partition without a committed offset starts. Default true: a pipeline stage never skips records. */
  fromBeginning?: boolean;
  /** Records handed to the handler at once (one partition's, in offset order) and committed together. Default 500. */
  chunkSize?: number;
  /** Partitions handled at the same time. Default: the transport's (1 unless the service sets it). */
  partitionsConsumedConcurrently?: number;
  /** The process is not ready (startAllMicroservices does not resolve) until this group has joined. */
  awaitJoin?: boolean;
}

const KAFKA_EXTRAS = 'kafka';

/** The extras of a handler's `@EventPattern`: `@EventPattern(Topics.x, kafkaConsumer({ group: 'y' }))`. */
export function kafkaConsumer(options: KafkaConsumerOptions): Record<string, unknown> {
  return { [KAFKA_EXTRAS]: options };
}

export function kafkaConsumerOptionsOf(extras: Record<string, unknown> | undefined): KafkaConsumerOptions | undefined {
  return extras?.[KAFKA_EXTRAS] as KafkaConsumerOptions | undefined;
}
