import { Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { messageUidSchema } from '@msync/contracts';
import { InternalHttpClient, type KnownApp } from '@msync/platform';
import { parseInput } from '@msync/service-kit';
import { AppSignatureGuard, SignedApp } from '../auth/app-signature.guard';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';

/** The app recalls a message as administrator (management API); the recall service does the work. */
@Controller('v1/messages')
@UseGuards(AppSignatureGuard)
export class RecallController {
  private readonly recalls: InternalHttpClient;

  constructor(@Inject(INGESTION_CONFIG) config: IngestionConfig) {
    this.recalls = new InternalHttpClient(config.RECALL_URL, config.INTERNAL_API_TOKEN);
  }

  @Post(':messageUid/recall')
  @HttpCode(200)
  recall(@SignedApp() app: KnownApp, @Param('messageUid') messageUid: string) {
    return this.recalls.request('POST', '/internal/v1/recalls', { appKey: app.appKey, messageUid: parseInput(messageUidSchema, messageUid) });
  }
}
