import 'reflect-metadata';
import { bootService } from '@msync/service-kit';
import { ingestionConfigSchema } from './config';
import { IngestionModule } from './ingestion.module';

void bootService({ service: 'ingestion', configSchema: ingestionConfigSchema, rootModule: (config) => IngestionModule.forRoot(config) });
