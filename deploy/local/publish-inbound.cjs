#!/usr/bin/env node
/*
 * Example producer for the inbound command topic (im.inbound.commands.v1): what an internal service
 * does instead of calling the HTTP Server API. Schema: docs/asyncapi.json (channel im_inbound_commands_v1).
 *
 *   node deploy/local/publish-inbound.cjs '{"command":"publish-message","appKey":"...","idempotencyKey":"order-42",
 *     "conversationType":"private","senderId":"alice","targetId":"bob","objectName":"RC:TxtMsg","content":"{\"content\":\"hi\"}"}'
 *
 * Several commands: pass several JSON arguments, or one JSON array; `-` reads the JSON from stdin (large
 * commands). KAFKA_BROKERS defaults to 127.0.0.1:9092.
 * The record key keeps one conversation in order (appKey:conversationType:conversationId, as ingestion does);
 * the idempotency key makes a re-send harmless. Prints one JSON line per command with its partition and offset.
 */
const { Kafka, logLevel } = require('kafkajs');

const TOPIC = 'im.inbound.commands.v1';

function keyOf(cmd) {
  if (cmd.command === 'recall-message') return `${cmd.appKey}:recall:${cmd.messageUid}`;
  if (cmd.conversationType === 'private') return `${cmd.appKey}:private:${[cmd.senderId, cmd.targetId].sort().join(':')}`;
  return `${cmd.appKey}:${cmd.conversationType}:${cmd.targetId}`;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function main() {
  const args = process.argv.slice(2);
  const texts = args.length === 1 && args[0] === '-' ? [await readStdin()] : args;
  const commands = texts.flatMap((text) => {
    const parsed = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [parsed];
  });
  if (commands.length === 0) {
    process.stderr.write('usage: node deploy/local/publish-inbound.cjs \'<command JSON>\' [...] | -\n');
    process.exit(2);
  }
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const producer = new Kafka({ clientId: 'publish-inbound-example', brokers, logLevel: logLevel.WARN }).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const results = await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: commands.map((cmd) => ({ key: keyOf(cmd), value: JSON.stringify(cmd), headers: { 'x-trace-id': `inbound-example-${cmd.idempotencyKey}` } })),
    });
    for (const r of results) process.stdout.write(`${JSON.stringify({ topic: r.topicName, partition: r.partition, baseOffset: r.baseOffset, count: commands.length })}\n`);
  } finally {
    await producer.disconnect();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
