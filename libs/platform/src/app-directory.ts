import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCodes, type AppSettings } from '@msync/contracts';
import { AppRepository } from '@msync/persistence';

export interface KnownApp {
  appKey: string;
  secret: string;
  settings: AppSettings;
  settingsVersion: number;
  disabled: boolean;
}

/** Apps by key, cached in memory for a short time so hot paths do not read the database per request. */
@Injectable()
export class AppDirectory {
  private readonly cache = new Map<string, { app: KnownApp | null; at: number }>();
  private readonly ttlMs = 2_000;

  constructor(private readonly apps: AppRepository) {}

  async find(appKey: string): Promise<KnownApp | null> {
    const hit = this.cache.get(appKey);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.app;
    const row = await this.apps.findByKey(appKey);
    const app = row ? { appKey: row.appKey, secret: row.secret, settings: row.settings, settingsVersion: row.settingsVersion, disabled: row.disabled } : null;
    this.cache.set(appKey, { app, at: Date.now() });
    return app;
  }

  /** The app, or `app_unknown` / `app_disabled`. */
  async require(appKey: string): Promise<KnownApp> {
    const app = await this.find(appKey);
    if (!app) throw new DomainError(ErrorCodes.APP_UNKNOWN, `unknown app key "${appKey}"`);
    if (app.disabled) throw new DomainError(ErrorCodes.APP_DISABLED, 'app is disabled');
    return app;
  }
}
