import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { messageUidSchema } from '@msync/contracts';
import { RecallClient, type KnownApp } from '@msync/platform';
import { parseInput } from '@msync/service-kit';
import { AppSignatureGuard, SignedApp } from '../auth/app-signature.guard';

/** The app recalls a message as administrator (management API); the recall service does the work. */
@Controller('v1/messages')
@UseGuards(AppSignatureGuard)
export class RecallController {
  constructor(private readonly recalls: RecallClient) {}

  @Post(':messageUid/recall')
  @HttpCode(200)
  recall(@SignedApp() app: KnownApp, @Param('messageUid') messageUid: string) {
    return this.recalls.recall({ appKey: app.appKey, messageUid: parseInput(messageUidSchema, messageUid) });
  }
}
