import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returningRows } from './returning';
import { appSettingsSchema, type AppSettings } from '@msync/contracts';
import { AppEntity } from '../entities/app.entity';

@Injectable()
export class AppRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(AppEntity);
  }

  async create(input: { appKey: string; name: string; secret: string; settings?: Partial<AppSettings> }): Promise<AppEntity> {
    const settings = appSettingsSchema.parse(input.settings ?? {});
    return this.repo.save(this.repo.create({ ...input, settings, settingsVersion: 1 }));
  }

  findByKey(appKey: string): Promise<AppEntity | null> {
    return this.repo.findOneBy({ appKey });
  }

  /** Replaces the settings and bumps their version; returns the new version. */
  async updateSettings(appKey: string, settings: AppSettings): Promise<number> {
    const rows = returningRows<{ settings_version: number }>(await this.dataSource.query(
      `UPDATE apps SET settings = $2, settings_version = settings_version + 1, updated_at = now() WHERE app_key = $1 RETURNING settings_version`,
      [appKey, JSON.stringify(settings)],
    ));
    return rows[0].settings_version;
  }

  findAll(): Promise<AppEntity[]> {
    return this.repo.find();
  }
}
