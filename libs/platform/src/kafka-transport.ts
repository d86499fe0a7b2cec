import type { INestApplication } from '@nestjs/common';
import { KafkaConnection, KafkaStreamTransport, type KafkaStreamTransportOptions } from '@msync/kafka';

/**
 * The transport a service's `@EventPattern` handlers run on, over the process's one KafkaConnection:
 * `bootService({ ..., transport: (app) => kafkaTransport(app, { service: 'recall' }) })`.
 */
export function kafkaTransport(app: INestApplication, options: KafkaStreamTransportOptions): KafkaStreamTransport {
  return new KafkaStreamTransport(app.get(KafkaConnection), options);
}
