import 'reflect-metadata';
import { bootService } from '@msync/service-kit';
import { sessionConfigSchema } from './config';
import { SessionModule } from './session.module';

void bootService({ service: 'session', configSchema: sessionConfigSchema, rootModule: (config) => SessionModule.forRoot(config) });
