import { Module, type DynamicModule } from '@nestjs/common';
import { AppDirectory } from './app-directory';
import { AppSettingsController } from './app-settings.controller';
import { AppSettingsChangesController } from './app-settings-changes.controller';
import { INTERNAL_TOKEN, InternalTokenGuard, internalTokenSchema } from './internal-api';
import { z } from 'zod';
import { KafkaModule, kafkaOptionsFromEnv } from '@msync/kafka';
import { PersistenceModule, databaseOptionsFromEnv } from '@msync/persistence';
import { ServiceKitModule, baseEnvSchema, databaseEnvSchema, httpPort, kafkaEnvSchema } from '@msync/service-kit';

/** The environment every service reads: base, Kafka, PostgreSQL and its HTTP port. */
export function platformConfigSchema(defaultPort: number) {
  return baseEnvSchema.extend({
    ...kafkaEnvSchema.shape,
    ...databaseEnvSchema.shape,
    HTTP_PORT: httpPort(defaultPort),
    /** Shared secret of service-to-service calls (/internal routes). */
    INTERNAL_API_TOKEN: internalTokenSchema,
  });
}
export type PlatformConfig = z.infer<ReturnType<typeof platformConfigSchema>>;

/** Health/metrics endpoints, the Kafka connection and the database, wired the same way in every service. */
@Module({})
export class PlatformModule {
  static forRoot(config: PlatformConfig, service: string): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ServiceKitModule,
        KafkaModule.forRoot(kafkaOptionsFromEnv(config, service)),
        PersistenceModule.forRoot(databaseOptionsFromEnv(config, service)),
      ],
      controllers: [AppSettingsController, AppSettingsChangesController],
      providers: [
        { provide: INTERNAL_TOKEN, useValue: config.INTERNAL_API_TOKEN },
        InternalTokenGuard,
        AppDirectory,
      ],
      exports: [ServiceKitModule, KafkaModule, PersistenceModule, AppDirectory, INTERNAL_TOKEN, InternalTokenGuard],
    };
  }
}
