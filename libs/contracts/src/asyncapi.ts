import { z } from 'zod';
import { fullTopicManifest } from './topics';
import { topicSchemas } from './topic-map';

/**
 * Builds the AsyncAPI 3.0 document from the manifest and the zod schemas, so the
 * published contract cannot drift from the code (a test compares it with docs/asyncapi.json).
 */
export function buildAsyncApiDocument(): Record<string, unknown> {
  const schemas = topicSchemas as Record<string, z.ZodType>;
  const channels: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};

  for (const spec of fullTopicManifest()) {
    const id = spec.name.replace(/[^A-Za-z0-9]/g, '_');
    const schema = schemas[spec.name];
    messages[id] = {
      name: spec.name,
      contentType: 'application/json',
      payload: schema
        ? z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })
        : { description: 'The original record, unchanged. Headers: x-dlq-error, x-dlq-source-topic, x-dlq-source-partition, x-dlq-source-offset, x-dlq-attempts.' },
      bindings: { kafka: { key: { type: 'string', description: spec.key } } },
    };
    channels[id] = {
      address: spec.name,
      description: spec.description,
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
      bindings: {
        kafka: {
          partitions: spec.partitions,
          topicConfiguration: {
            'cleanup.policy': [spec.cleanupPolicy],
            'retention.ms': spec.retentionMs,
          },
        },
      },
    };
    operations[`publish_${id}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${id}` },
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'msync Kafka contract',
      version: '1.0.0',
      description:
        'Topics of the multi-device message sync service. Generated from libs/contracts (npm run contracts:asyncapi); do not edit by hand.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
