import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { PlatformModule } from '@msync/platform';
import { FANOUT_CONFIG, type FanoutConfig, type FanoutStage } from './config';
import { MessageExpander } from './expand/message-expander';
import { MessageExpanderController } from './expand/message-expander.controller';
import { StreamPartitionsService } from './maintenance/stream-partitions.service';
import { StreamAppender } from './stream-writer/stream-appender';
import { StreamWriterController } from './stream-writer/stream-writer.controller';

/**
 * What each stage adds to the process (FANOUT_STAGES): its Kafka handler (a controller) and what
 * only it needs. Stream partition maintenance goes with `expand`: every message passes through that
 * stage, so any working deployment runs it; it appends private and system messages to streams
 * itself, so it needs the partitions; and it has the fewer replicas (its topic has half the
 * partitions). The maintenance is idempotent and tolerates a concurrent creator, so several expand
 * replicas running it is harmless.
 */
const stages: Record<FanoutStage, { controllers: Type[]; providers: Provider[] }> = {
  expand: { controllers: [MessageExpanderController], providers: [MessageExpander, StreamPartitionsService] },
  'stream-writer': { controllers: [StreamWriterController], providers: [] },
};

/** The Kafka handlers (controllers) of the chosen stages. */
export function fanoutStageControllers(chosen: readonly FanoutStage[]): Type[] {
  return chosen.flatMap((stage) => stages[stage].controllers);
}

/** The providers of the chosen stages (StreamAppender serves both). */
export function fanoutStageProviders(chosen: readonly FanoutStage[]): Provider[] {
  return [StreamAppender, ...chosen.flatMap((stage) => stages[stage].providers)];
}

@Module({})
export class FanoutModule {
  static forRoot(config: FanoutConfig): DynamicModule {
    return {
      module: FanoutModule,
      imports: [PlatformModule.forRoot(config, 'fanout')],
      controllers: fanoutStageControllers(config.FANOUT_STAGES),
      providers: [{ provide: FANOUT_CONFIG, useValue: config }, ...fanoutStageProviders(config.FANOUT_STAGES)],
    };
  }
}
