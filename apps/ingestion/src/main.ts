import 'reflect-metadata';
import { kafkaTransport } from '@msync/platform';
import { bootService } from '@msync/service-kit';
import { ingestionConfigSchema } from './config';
import { IngestionModule } from './ingestion.module';
import { readServerApiBody } from './server-api/form-body.middleware';

void bootService({
  service: 'ingestion',
  configSchema: ingestionConfigSchema,
  rootModule: (config) => IngestionModule.forRoot(config),
  beforeBodyParsers: (app) => app.use(readServerApiBody),
  transport: (app) => kafkaTransport(app, { service: 'ingestion' }),
});
