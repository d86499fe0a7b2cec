import { Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DomainErrorFilter } from './domain-error.filter';
import { HealthController } from './health.controller';
import { ReadinessRegistry } from './readiness';

/** Health, readiness and metrics endpoints that every service exposes. */
@Global()
@Module({
  controllers: [HealthController],
  providers: [ReadinessRegistry, { provide: APP_FILTER, useClass: DomainErrorFilter }],
  exports: [ReadinessRegistry],
})
export class ServiceKitModule {}
