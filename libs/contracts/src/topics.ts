/**
 * The one list of Kafka topics. Every producer, consumer, the provisioning
 * command, docker-compose and the AsyncAPI document read it from here.
 * A breaking change to a payload is a new topic (`...v2`), never an edit in place.
 */
export const Topics = {
  inboundCommands: 'im.inbound.commands.v1',
  messagesAccepted: 'im.messages.v1',
  streamAppends: 'im.stream-appends.v1',
  userEvents: 'im.user-events.v1',
  transientDeliveries: 'im.transient.v1',
  appSettings: 'im.app-settings.v1',
  deviceControl: 'im.device-control.v1',
} as const;

export type TopicKey = keyof typeof Topics;
export type TopicName = (typeof Topics)[TopicKey];

const VERSION_SUFFIX = /\.v(\d+)$/;

/** Dead-letter topic of a source topic: `im.messages.v1` -> `im.messages.dlq.v1`. */
export function deadLetterTopicOf(topic: string): string {
  const match = VERSION_SUFFIX.exec(topic);
  if (!match) throw new Error(`topic "${topic}" has no version suffix`);
  return topic.replace(VERSION_SUFFIX, `.dlq.v${match[1]}`);
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** -1 keeps records forever (compacted topics). */
  retentionMs: number;
  cleanupPolicy: 'delete' | 'compact';
  key: string;
  description: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Partition counts are the unit of fan-out scaling: a consumer group has at most this many active members. */
export const topicManifest: readonly TopicSpec[] = [
  {
    name: Topics.inboundCommands,
    partitions: 6,
    retentionMs: 7 * DAY,
    cleanupPolicy: 'delete',
    key: 'conversation key `appKey:conversationType:conversationId`, so one conversation keeps its order',
    description:
      'Commands from internal services instead of the HTTP Server API, with the same rules: publish-message (private, group, system; persisted=false is transient), publish-status-message (online devices only, never stored), recall-message. Each carries appKey and an idempotencyKey: a replay creates nothing new (at-least-once delivery, deduplicated). A command that fails validation goes to im.inbound.commands.dlq.v1 with the reason in x-dlq-error and changes nothing. Example producer: deploy/local/publish-inbound.cjs.',
  },
  {
    name: Topics.messagesAccepted,
    partitions: 6,
    retentionMs: 7 * DAY,
    cleanupPolicy: 'delete',
    key: 'conversation key `appKey:conversationType:conversationId`',
    description: 'Messages (and recalls) that ingestion accepted and persisted; input of the fan-out expand stage.',
  },
  {
    name: Topics.streamAppends,
    partitions: 12,
    retentionMs: 7 * DAY,
    cleanupPolicy: 'delete',
    key: 'user key `appKey:userId`, so each user stream has one writer at a time',
    description: 'One record per (recipient user, event): input of the stream writer that assigns per-user sequence numbers.',
  },
  {
    name: Topics.userEvents,
    partitions: 12,
    retentionMs: 1 * DAY,
    cleanupPolicy: 'delete',
    key: 'user key `appKey:userId`',
    description: 'Live fast path: events after they were appended to a user stream, with their sequence number. Gateways consume it.',
  },
  {
    name: Topics.transientDeliveries,
    partitions: 6,
    retentionMs: 1 * HOUR,
    cleanupPolicy: 'delete',
    key: 'user key `appKey:userId`',
    description: 'Transient messages (typing, status messages) for devices online now; never stored in a stream.',
  },
  {
    name: Topics.appSettings,
    partitions: 1,
    retentionMs: -1,
    cleanupPolicy: 'compact',
    key: 'appKey',
    description: 'Current settings of each app (compacted); every service keeps them in memory.',
  },
  {
    name: Topics.deviceControl,
    partitions: 3,
    retentionMs: 1 * HOUR,
    cleanupPolicy: 'delete',
    key: 'user key `appKey:userId`',
    description: 'Session control for gateways: kick a device, kick a user, login-policy evictions.',
  },
];

/** The manifest plus one dead-letter topic per consumed topic. */
export function fullTopicManifest(): TopicSpec[] {
  const deadLetters = topicManifest
    .filter((t) => t.cleanupPolicy === 'delete')
    .map<TopicSpec>((t) => ({
      name: deadLetterTopicOf(t.name),
      partitions: 1,
      retentionMs: 14 * DAY,
      cleanupPolicy: 'delete',
      key: t.key,
      description: `Records of ${t.name} that failed validation or kept failing; headers carry the error and origin.`,
    }));
  return [...topicManifest, ...deadLetters];
}
