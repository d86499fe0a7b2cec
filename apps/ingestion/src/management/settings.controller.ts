import { Body, Controller, Get, Patch, UseGuards } from '@nestjs/common';
import { appSettingsPatchSchema, appSettingsSchema } from '@msync/contracts';
import { AppDirectory, type KnownApp } from '@msync/platform';
import { AppRepository } from '@msync/persistence';
import { loggerFor, parseInput } from '@msync/service-kit';
import { AppSignatureGuard, SignedApp } from '../auth/app-signature.guard';

/** Per-app settings (management API). A change is stored, then published to every service (applied within seconds). */
@Controller('v1/settings')
@UseGuards(AppSignatureGuard)
export class SettingsController {
  private readonly log = loggerFor('SettingsController');

  constructor(
    private readonly apps: AppRepository,
    private readonly directory: AppDirectory,
  ) {}

  @Get()
  async get(@SignedApp() app: KnownApp) {
    const current = await this.apps.findByKey(app.appKey);
    return { version: current!.settingsVersion, settings: current!.settings };
  }

  @Patch()
  async update(@SignedApp() app: KnownApp, @Body() body: unknown) {
    // Only the named fields change; unknown fields and out-of-range values are refused and change nothing.
    const patch = parseInput(appSettingsPatchSchema, body);
    const current = await this.apps.findByKey(app.appKey);
    const settings = parseInput(appSettingsSchema, { ...current!.settings, ...patch });
    const version = await this.apps.updateSettings(app.appKey, settings);
    await this.directory.publish(app.appKey, settings, version);
    this.log.info({ appKey: app.appKey, version, changed: Object.keys(patch) }, 'app settings changed');
    return { version, settings };
  }
}
