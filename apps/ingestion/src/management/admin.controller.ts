import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Body, Controller, Headers, Inject, Post } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, ErrorCodes, appKeySchema, appSettingsSchema } from '@msync/contracts';
import { AppRepository } from '@msync/persistence';
import { loggerFor, parseInput } from '@msync/service-kit';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';

const createAppSchema = z.strictObject({
  name: z.string().min(1).max(128),
  appKey: appKeySchema.optional(),
  settings: appSettingsSchema.partial().optional(),
});

/** Operator API: creates apps. Authenticated with ADMIN_TOKEN, not with an app secret. */
@Controller('admin/v1')
export class AdminController {
  private readonly log = loggerFor('AdminController');

  constructor(
    private readonly apps: AppRepository,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {}

  @Post('apps')
  async createApp(@Headers('authorization') authorization: string | undefined, @Body() body: unknown) {
    this.authorize(authorization);
    const input = parseInput(createAppSchema, body);
    const appKey = input.appKey ?? randomBytes(9).toString('base64url');
    if (await this.apps.findByKey(appKey)) throw new DomainError(ErrorCodes.CONFLICT, `app key "${appKey}" exists`);
    const app = await this.apps.create({ appKey, name: input.name, secret: randomBytes(24).toString('base64url'), settings: input.settings });
    this.log.info({ appKey }, 'app created');
    return { appKey: app.appKey, secret: app.secret, name: app.name, settings: app.settings };
  }

  private authorize(header: string | undefined) {
    const given = Buffer.from(header?.replace(/^Bearer /i, '') ?? '');
    const expected = Buffer.from(this.config.ADMIN_TOKEN);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new DomainError(ErrorCodes.NOT_AUTHENTICATED, 'admin token missing or wrong');
    }
  }
}
