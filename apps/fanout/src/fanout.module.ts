import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@msync/platform';
import type { FanoutConfig } from './config';

@Module({})
export class FanoutModule {
  static forRoot(config: FanoutConfig): DynamicModule {
    return { module: FanoutModule, imports: [PlatformModule.forRoot(config, 'fanout')] };
  }
}
