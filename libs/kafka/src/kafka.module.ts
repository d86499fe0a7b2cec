import {
  Global,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ReadinessRegistry } from '@msync/service-kit';
import { KafkaConnection, type KafkaConnectionOptions } from './kafka-connection';

const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');

/** Nest lifecycle around the connection: connect at start, consumers stop first at shutdown. */
@Injectable()
class KafkaLifecycle implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    private readonly connection: KafkaConnection,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onModuleInit() {
    this.readiness.register('kafka', () => this.connection.check());
    await this.connection.connect();
  }

  async beforeApplicationShutdown() {
    await this.connection.stopConsumers();
  }

  async onApplicationShutdown() {
    await this.connection.close();
  }
}

@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaConnectionOptions): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        { provide: KAFKA_OPTIONS, useValue: options },
        { provide: KafkaConnection, useFactory: (o: KafkaConnectionOptions) => new KafkaConnection(o), inject: [KAFKA_OPTIONS] },
        KafkaLifecycle,
      ],
      exports: [KafkaConnection],
    };
  }
}


