import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@msync/platform';
import { COMPENSATION_CONFIG, type CompensationConfig } from './config';
import { StreamPageReader } from './stream-read/stream-page.reader';
import { StreamReadController } from './stream-read/stream-read.controller';
import { ChannelListRepository } from './window/channel-list.repository';
import { CompensationWindowService } from './window/compensation-window.service';

@Module({})
export class CompensationModule {
  static forRoot(config: CompensationConfig): DynamicModule {
    return {
      module: CompensationModule,
      imports: [PlatformModule.forRoot(config, 'compensation')],
      controllers: [StreamReadController],
      providers: [
        { provide: COMPENSATION_CONFIG, useValue: config },
        StreamPageReader,
        ChannelListRepository,
        CompensationWindowService,
      ],
    };
  }
}
