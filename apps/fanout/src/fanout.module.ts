import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@msync/platform';
import { FANOUT_CONFIG, type FanoutConfig } from './config';
import { MessageExpanderConsumer } from './expand/message-expander.consumer';
import { StreamPartitionsService } from './maintenance/stream-partitions.service';
import { StreamAppender } from './stream-writer/stream-appender';
import { StreamWriterConsumer } from './stream-writer/stream-writer.consumer';

@Module({})
export class FanoutModule {
  static forRoot(config: FanoutConfig): DynamicModule {
    return {
      module: FanoutModule,
      imports: [PlatformModule.forRoot(config, 'fanout')],
      providers: [{ provide: FANOUT_CONFIG, useValue: config }, StreamPartitionsService, StreamAppender, MessageExpanderConsumer, StreamWriterConsumer],
    };
  }
}
