import { Module, type DynamicModule } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { Partitioners } from 'kafkajs';
import { MSYNC_KAFKA, MsyncCommands } from './msync-commands';

export interface PublisherOptions {
  brokers: string[];
  /** The app this service publishes for (its appKey in msync). */
  appKey: string;
  clientId?: string;
}

/**
 * The whole integration: a ClientKafka in producer-only mode (it never consumes, so it joins no
 * consumer group), idempotent so a retried send is not written twice.
 */
@Module({})
export class PublisherModule {
  static forRoot(options: PublisherOptions): DynamicModule {
    return {
      module: PublisherModule,
      imports: [
        ClientsModule.register([
          {
            name: MSYNC_KAFKA,
            transport: Transport.KAFKA,
            options: {
              client: { clientId: options.clientId ?? 'inbound-publisher-example', brokers: options.brokers },
              // The Java-compatible partitioner, as msync's own producers use: a conversation key lands where Java clients put it too.
              producer: { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner },
              producerOnlyMode: true,
            },
          },
        ]),
      ],
      providers: [{ provide: 'MSYNC_APP_KEY', useValue: options.appKey }, MsyncCommands],
      exports: [MsyncCommands],
    };
  }
}
