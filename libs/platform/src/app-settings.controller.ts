import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { AppDirectory } from './app-directory';
import { InternalTokenGuard } from './internal-api';

/** What this process currently applies for an app (operators and the settings-propagation test read it). */
@Controller('internal/v1/app-settings')
@UseGuards(InternalTokenGuard)
export class AppSettingsController {
  constructor(private readonly apps: AppDirectory) {}

  @Get(':appKey')
  async current(@Param('appKey') appKey: string) {
    const app = await this.apps.require(appKey);
    return { appKey, version: app.settingsVersion, settings: app.settings };
  }
}
