import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { AppSettings } from '@msync/contracts';

/** A tenant. The secret signs device tokens and Server API requests; it never leaves this row in logs. */
@Entity({ name: 'apps' })
export class AppEntity {
  @PrimaryColumn({ name: 'app_key', type: 'text' })
  appKey!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  secret!: string;

  @Column({ type: 'jsonb' })
  settings!: AppSettings;

  @Column({ name: 'settings_version', type: 'integer', default: 0 })
  settingsVersion!: number;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
