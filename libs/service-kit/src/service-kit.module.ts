import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { DomainErrorFilter } from './domain-error.filter';
import { HealthController } from './health.controller';
import { InputSafetyGuard } from './input-safety.guard';
import { ReadinessRegistry } from './readiness';

/** Health, readiness and metrics endpoints, error mapping and input safety that every service shares. */
@Global()
@Module({
  controllers: [HealthController],
  providers: [ReadinessRegistry, { provide: APP_FILTER, useClass: DomainErrorFilter }, { provide: APP_GUARD, useClass: InputSafetyGuard }],
  exports: [ReadinessRegistry],
})
export class ServiceKitModule {}
