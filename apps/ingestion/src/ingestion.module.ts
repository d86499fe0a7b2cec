import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@msync/platform';
import type { IngestionConfig } from './config';

@Module({})
export class IngestionModule {
  static forRoot(config: IngestionConfig): DynamicModule {
    return { module: IngestionModule, imports: [PlatformModule.forRoot(config, 'ingestion')] };
  }
}
