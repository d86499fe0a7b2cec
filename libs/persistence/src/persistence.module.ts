import { Global, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReadinessRegistry } from '@msync/service-kit';
import { createDataSource, type DatabaseOptions } from './data-source';
import { AppRepository } from './repositories/app.repository';
import { DeviceRepository } from './repositories/device.repository';
import { GroupRepository } from './repositories/group.repository';
import { MessageRepository } from './repositories/message.repository';
import { StreamPartitionRepository } from './repositories/stream-partition.repository';
import { StreamRepository } from './repositories/stream.repository';
import { TokenRepository } from './repositories/token.repository';
import { SessionRepository } from './repositories/session.repository';
import { UserAccessRepository } from './repositories/user-access.repository';

@Injectable()
class PersistenceLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onModuleInit() {
    this.readiness.register('postgres', async () => {
      await this.dataSource.query('SELECT 1');
    });
    await this.dataSource.initialize();
  }

  async onApplicationShutdown() {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

const repositories = [AppRepository, DeviceRepository, GroupRepository, MessageRepository, StreamRepository, StreamPartitionRepository, TokenRepository, SessionRepository, UserAccessRepository];

@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [{ provide: DataSource, useFactory: () => createDataSource(options) }, PersistenceLifecycle, ...repositories],
      exports: [DataSource, ...repositories],
    };
  }
}
