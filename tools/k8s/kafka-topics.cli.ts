import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fullTopicManifest } from '@msync/contracts';
import { DEFAULT_TOPIC_REPLICAS, KAFKA_TOPICS_FILE, renderKafkaTopics } from './kafka-topics';

/**
 * Strimzi KafkaTopic resources from the topic manifest (run from the repository root).
 *   node dist/tools/k8s/kafka-topics.cli.js                 print them
 *   node dist/tools/k8s/kafka-topics.cli.js --write         rewrite deploy/k8s/strimzi/kafka-topics.yaml
 *   node dist/tools/k8s/kafka-topics.cli.js --replicas 1    for a one-broker cluster (prints only)
 */
function main(argv: string[]) {
  const at = argv.indexOf('--replicas');
  const replicas = at >= 0 ? Number(argv[at + 1]) : DEFAULT_TOPIC_REPLICAS;
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error('--replicas takes a whole number >= 1');
  const yaml = renderKafkaTopics(fullTopicManifest(), replicas);
  if (!argv.includes('--write')) {
    process.stdout.write(yaml);
    return;
  }
  if (replicas !== DEFAULT_TOPIC_REPLICAS) throw new Error(`the checked-in file has ${DEFAULT_TOPIC_REPLICAS} replicas; print other counts instead`);
  writeFileSync(resolve(process.cwd(), KAFKA_TOPICS_FILE), yaml);
  process.stdout.write(`${JSON.stringify({ msg: 'written', file: KAFKA_TOPICS_FILE })}\n`);
}

try {
  main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`kafka-topics: ${(err as Error).message}\n`);
  process.exit(1);
}
