import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@msync/platform';
import type { SessionConfig } from './config';

@Module({})
export class SessionModule {
  static forRoot(config: SessionConfig): DynamicModule {
    return { module: SessionModule, imports: [PlatformModule.forRoot(config, 'session')] };
  }
}
