import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@msync/platform';
import type { RecallConfig } from './config';

@Module({})
export class RecallModule {
  static forRoot(config: RecallConfig): DynamicModule {
    return { module: RecallModule, imports: [PlatformModule.forRoot(config, 'recall')] };
  }
}
