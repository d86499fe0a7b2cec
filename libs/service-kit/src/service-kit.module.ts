import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { DomainErrorFilter } from './domain-error.filter';
import { HealthController } from './health.controller';
import { InputSafetyGuard } from './input-safety.guard';
import { ReadinessRegistry } from './readiness';

/** Health, readiness and metrics endpoints, error mapping and input safety that every service shares. */
@Global()
@Module({
  // Terminus logs nothing of its own: a failed check is in the /readyz answer and in our logs.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ReadinessRegistry, { provide: APP_FILTER, useClass: DomainErrorFilter }, { provide: APP_GUARD, useClass: InputSafetyGuard }],
  exports: [ReadinessRegistry],
})
export class ServiceKitModule {}
