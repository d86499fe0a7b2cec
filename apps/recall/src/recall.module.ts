import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@msync/platform';
import type { RecallConfig } from './config';
import { InternalRecallController } from './recall/internal-recall.controller';
import { RecallMessageUseCase } from './recall/recall-message.usecase';

@Module({})
export class RecallModule {
  static forRoot(config: RecallConfig): DynamicModule {
    return {
      module: RecallModule,
      imports: [PlatformModule.forRoot(config, 'recall')],
      controllers: [InternalRecallController],
      providers: [RecallMessageUseCase],
    };
  }
}
