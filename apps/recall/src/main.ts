import 'reflect-metadata';
import { bootService } from '@msync/service-kit';
import { recallConfigSchema } from './config';
import { RecallModule } from './recall.module';

void bootService({ service: 'recall', configSchema: recallConfigSchema, rootModule: (config) => RecallModule.forRoot(config) });
