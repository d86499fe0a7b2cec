import 'reflect-metadata';
import { kafkaTransport } from '@msync/platform';
import { bootService } from '@msync/service-kit';
import { compensationConfigSchema } from './config';
import { CompensationModule } from './compensation.module';

void bootService({
  service: 'compensation',
  configSchema: compensationConfigSchema,
  rootModule: (config) => CompensationModule.forRoot(config),
  transport: (app) => kafkaTransport(app, { service: 'compensation' }),
});
