import 'reflect-metadata';
import { kafkaTransport } from '@msync/platform';
import { bootService } from '@msync/service-kit';
import { sessionConfigSchema } from './config';
import { SessionModule } from './session.module';

void bootService({
  service: 'session',
  configSchema: sessionConfigSchema,
  rootModule: (config) => SessionModule.forRoot(config),
  transport: (app, config) => kafkaTransport(app, { service: 'session', instance: config.GATEWAY_ID }),
});
