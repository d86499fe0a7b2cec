import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@msync/platform';
import type { CompensationConfig } from './config';

@Module({})
export class CompensationModule {
  static forRoot(config: CompensationConfig): DynamicModule {
    return { module: CompensationModule, imports: [PlatformModule.forRoot(config, 'compensation')] };
  }
}
