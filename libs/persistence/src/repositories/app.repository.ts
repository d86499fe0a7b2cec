import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
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

  findAll(): Promise<AppEntity[]> {
    return this.repo.find();
  }
}
