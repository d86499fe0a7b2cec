import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics, type AppSettingsChanged } from '@msync/contracts';
import { kafkaConsumer, type ConsumedRecord } from '@msync/kafka';
import { AppDirectory } from './app-directory';

/** Settings changes reach every process: a group of its own per start, from the start of the compacted topic. */
@Controller()
export class AppSettingsChangesController {
  constructor(private readonly apps: AppDirectory) {}

  @EventPattern(Topics.appSettings, kafkaConsumer({ group: 'settings-{service}-{random}', fromBeginning: true }))
  apply(@Payload() records: ConsumedRecord<AppSettingsChanged>[]): void {
    for (const { value } of records) this.apps.apply(value);
  }
}
