import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MsyncCommands } from './msync-commands';
import { PublisherModule } from './publisher.module';

const USAGE = `usage: MSYNC_APP_KEY=<appKey> [KAFKA_BROKERS=host:port] [IDEMPOTENCY_KEY=<key>] main.js
  private <senderId> <targetId> <text>
  group <senderId> <groupId> <text>
  recall <messageUid>
`;

/** Runs one command through ClientKafka and exits (prints one JSON line). */
async function main() {
  const [command, ...args] = process.argv.slice(2);
  const appKey = process.env.MSYNC_APP_KEY;
  const shapeOk = (command === 'private' || command === 'group') ? args.length === 3 : command === 'recall' && args.length === 1;
  if (!appKey || !shapeOk) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const idempotencyKey = process.env.IDEMPOTENCY_KEY ?? `example-${process.pid}-${Date.now()}`;
  const app = await NestFactory.createApplicationContext(PublisherModule.forRoot({ brokers, appKey }), { logger: ['error', 'warn'] });
  const msync = app.get(MsyncCommands);
  if (command === 'recall') await msync.recall(idempotencyKey, args[0]);
  else await msync.sendText(idempotencyKey, args[0], args[1], args[2], command as 'private' | 'group');
  process.stdout.write(`${JSON.stringify({ published: command, idempotencyKey })}\n`);
  await app.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`inbound-publisher: ${(err as Error).message}\n`);
  process.exit(1);
});
