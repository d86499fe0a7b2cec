import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainError, ErrorCodes, Topics, type AppSettings, type AppSettingsChanged } from '@msync/contracts';
import { KafkaConnection } from '@msync/kafka';
import { AppRepository } from '@msync/persistence';
import { gauge, loggerFor } from '@msync/service-kit';

export interface KnownApp {
  appKey: string;
  secret: string;
  settings: AppSettings;
  settingsVersion: number;
  disabled: boolean;
}

const MISS_TTL_MS = 2_000;
const settingsAge = gauge('app_settings_last_change_age_seconds', 'Seconds between a settings change and this process applying it (last change)');

/**
 * Apps and their settings, in memory in every service: loaded from PostgreSQL at start-up and on
 * a miss, and kept current from the compacted `im.app-settings.v1` topic (a change reaches every
 * process within about a second; a higher version always wins).
 */
@Injectable()
export class AppDirectory implements OnApplicationBootstrap {
  private readonly apps = new Map<string, KnownApp>();
  private readonly misses = new Map<string, number>();
  private readonly log = loggerFor('AppDirectory');

  constructor(
    private readonly repo: AppRepository,
    private readonly kafka: KafkaConnection,
  ) {}

  /**
   * The database gives the current settings; `im.app-settings.v1` brings changes (AppSettingsChangesController,
   * read from the start of the compacted topic, so nothing published meanwhile is missed).
   */
  async onApplicationBootstrap() {
    for (const row of await this.repo.findAll()) this.remember(row);
  }

  async find(appKey: string): Promise<KnownApp | null> {
    const hit = this.apps.get(appKey);
    if (hit) return hit;
    const missedAt = this.misses.get(appKey);
    if (missedAt && Date.now() - missedAt < MISS_TTL_MS) return null;
    const row = await this.repo.findByKey(appKey);
    if (!row) {
      this.misses.set(appKey, Date.now());
      return null;
    }
    return this.remember(row);
  }

  /** The app, or `app_unknown` / `app_disabled`. */
  async require(appKey: string): Promise<KnownApp> {
    const app = await this.find(appKey);
    if (!app) throw new DomainError(ErrorCodes.APP_UNKNOWN, `unknown app key "${appKey}"`);
    if (app.disabled) throw new DomainError(ErrorCodes.APP_DISABLED, 'app is disabled');
    return app;
  }

  /** Tells every process (this one included) about new settings. */
  async publish(appKey: string, settings: AppSettings, version: number): Promise<void> {
    const change: AppSettingsChanged = { appKey, settings, version, updatedAt: Date.now() };
    this.apply(change);
    await this.kafka.producer.send(Topics.appSettings, [{ key: appKey, value: change }]);
  }

  /** A change from the topic (or this process): a higher version wins; unknown apps load from the database when first used. */
  apply(change: AppSettingsChanged): void {
    const app = this.apps.get(change.appKey);
    if (!app || change.version <= app.settingsVersion) return;
    app.settings = change.settings;
    app.settingsVersion = change.version;
    settingsAge.set((Date.now() - change.updatedAt) / 1000);
    this.log.info({ appKey: change.appKey, version: change.version }, 'app settings applied');
  }

  private remember(row: { appKey: string; secret: string; settings: AppSettings; settingsVersion: number; disabled: boolean }): KnownApp {
    const app: KnownApp = { appKey: row.appKey, secret: row.secret, settings: row.settings, settingsVersion: row.settingsVersion, disabled: row.disabled };
    this.apps.set(app.appKey, app);
    this.misses.delete(app.appKey);
    return app;
  }
}
