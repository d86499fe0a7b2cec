import 'reflect-metadata';
import { bootService } from '@msync/service-kit';
import { fanoutConfigSchema } from './config';
import { FanoutModule } from './fanout.module';

void bootService({ service: 'fanout', configSchema: fanoutConfigSchema, rootModule: (config) => FanoutModule.forRoot(config) });
