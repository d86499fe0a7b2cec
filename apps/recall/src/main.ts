import 'reflect-metadata';
import { kafkaTransport } from '@msync/platform';
import { bootService } from '@msync/service-kit';
import { recallConfigSchema } from './config';
import { RecallModule } from './recall.module';

void bootService({
  service: 'recall',
  configSchema: recallConfigSchema,
  rootModule: (config) => RecallModule.forRoot(config),
  transport: (app) => kafkaTransport(app, { service: 'recall' }),
});
