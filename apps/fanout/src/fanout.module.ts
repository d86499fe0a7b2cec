import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { PlatformModule } from '@msync/platform';
import { FANOUT_CONFIG, type FanoutConfig, type FanoutStage } from './config';
import { MessageExpanderConsumer } from './expand/message-expander.consumer';
import { StreamPartitionsService } from './maintenance/stream-partitions.service';
import { StreamAppender } from './stream-writer/stream-appender';
import { StreamWriterConsumer } from './stream-writer/stream-writer.consumer';

/**
 * What each stage adds to the process (FANOUT_STAGES). Stream partition maintenance goes with
 * `expand`: every message passes through that stage, so any working deployment runs it; it appends
 * private and system messages to streams itself, so it needs the partitions; and it has the fewer
 * replicas (its topic has half the partitions). The maintenance is idempotent and tolerates a
 * concurrent creator, so several expand replicas running it is harmless.
 */
const stageProviders: Record<FanoutStage, Provider[]> = {
  expand: [MessageExpanderConsumer, StreamPartitionsService],
  'stream-writer': [StreamWriterConsumer],
};

/** The providers of the chosen stages (StreamAppender serves both). */
export function fanoutStageProviders(stages: readonly FanoutStage[]): Provider[] {
  return [StreamAppender, ...stages.flatMap((stage) => stageProviders[stage])];
}

@Module({})
export class FanoutModule {
  static forRoot(config: FanoutConfig): DynamicModule {
    return {
      module: FanoutModule,
      imports: [PlatformModule.forRoot(config, 'fanout')],
      providers: [{ provide: FANOUT_CONFIG, useValue: config }, ...fanoutStageProviders(config.FANOUT_STAGES)],
    };
  }
}
