import 'reflect-metadata';
import { kafkaTransport } from '@msync/platform';
import { bootService } from '@msync/service-kit';
import { fanoutConfigSchema } from './config';
import { FanoutModule } from './fanout.module';

void bootService({
  service: 'fanout',
  configSchema: fanoutConfigSchema,
  rootModule: (config) => FanoutModule.forRoot(config),
  transport: (app, config) => kafkaTransport(app, { service: 'fanout', partitionsConsumedConcurrently: config.FANOUT_PARTITIONS_CONCURRENCY }),
});
