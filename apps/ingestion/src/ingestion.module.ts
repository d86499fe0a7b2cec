import { Module, type DynamicModule } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { PlatformModule, RecallClient } from '@msync/platform';
import { INGESTION_CONFIG, type IngestionConfig } from './config';
import { AppSignatureGuard } from './auth/app-signature.guard';
import { RequestVerifier } from './auth/request-verifier';
import { AdminController } from './management/admin.controller';
import { ConsoleController } from './console/console.controller';
import { GroupsController } from './management/groups.controller';
import { TokensController } from './management/tokens.controller';
import { SettingsController } from './management/settings.controller';
import { UsersController } from './management/users.controller';
import { RecallController } from './management/recall.controller';
import { SessionControl } from './management/session-control';
import { UserAccessService } from './management/user-access.service';
import { AcceptMessageUseCase } from './messages/accept-message.usecase';
import { InboundCommandHandler } from './messages/inbound-command-handler';
import { InboundCommandsController } from './messages/inbound-commands.controller';
import { InternalMessagesController } from './messages/internal-messages.controller';
import { MessagePublisher } from './messages/message-publisher';
import { OutboxSweeper } from './messages/outbox-sweeper';
import { PublishMessagesUseCase } from './messages/publish-messages.usecase';
import { TransientPublisher } from './messages/transient-publisher';
import { OpenApiController } from './server-api/openapi.controller';
import { ServerApiGroupsController } from './server-api/server-api-groups.controller';
import { ServerApiMessagesController } from './server-api/server-api-messages.controller';
import { ServerApiUsersController } from './server-api/server-api-users.controller';
import { ServerApiGuard } from './server-api/server-api.guard';
import { ServerApiThrottlerGuard, serverApiThrottlerOptions } from './server-api/server-api-throttler.guard';
import { TokenBucketThrottlerStorage } from './server-api/token-bucket.storage';

@Module({})
export class IngestionModule {
  static forRoot(config: IngestionConfig): DynamicModule {
    return {
      module: IngestionModule,
      imports: [
        PlatformModule.forRoot(config, 'ingestion'),
        ThrottlerModule.forRoot({ ...serverApiThrottlerOptions(), storage: new TokenBucketThrottlerStorage() }),
      ],
      controllers: [
        AdminController,
        TokensController,
        GroupsController,
        SettingsController,
        UsersController,
        RecallController,
        InternalMessagesController,
        InboundCommandsController,
        ServerApiUsersController,
        ServerApiMessagesController,
        ServerApiGroupsController,
        OpenApiController,
        ConsoleController,
      ],
      providers: [
        { provide: INGESTION_CONFIG, useValue: config },
        RequestVerifier,
        AppSignatureGuard,
        ServerApiGuard,
        ServerApiThrottlerGuard,
        SessionControl,
        UserAccessService,
        AcceptMessageUseCase,
        PublishMessagesUseCase,
        { provide: RecallClient, useFactory: () => new RecallClient(config.RECALL_URL, config.INTERNAL_API_TOKEN) },
        MessagePublisher,
        TransientPublisher,
        OutboxSweeper,
        InboundCommandHandler,
      ],
    };
  }
}
