import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { StreamPartitionRepository } from '@msync/persistence';
import { loggerFor } from '@msync/service-kit';
import { FANOUT_CONFIG, type FanoutConfig } from '../config';

const DAY_MS = 86_400_000;

/** Keeps daily stream partitions ahead of time and drops whole days past retention (no row-by-row deletes). */
@Injectable()
export class StreamPartitionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = loggerFor('StreamPartitions');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly partitions: StreamPartitionRepository,
    @Inject(FANOUT_CONFIG) private readonly config: FanoutConfig,
  ) {}

  async onApplicationBootstrap() {
    await this.maintain();
    this.timer = setInterval(() => void this.maintain(), this.config.PARTITION_MAINTENANCE_INTERVAL_MS);
  }

  onModuleDestroy() {
    clearInterval(this.timer);
  }

  async maintain(now = Date.now()): Promise<void> {
    try {
      const created = await this.partitions.ensureDaily(now, 1, 3);
      const dropped = await this.partitions.dropBefore(new Date(now - this.config.STREAM_MAX_RETENTION_DAYS * DAY_MS));
      if (created.length || dropped.length) this.log.info({ created, dropped }, 'stream partitions maintained');
    } catch (err) {
      this.log.error({ err }, 'stream partition maintenance failed; will retry');
    }
  }
}
