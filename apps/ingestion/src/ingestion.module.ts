import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@msync/platform';
import { INGESTION_CONFIG, type IngestionConfig } from './config';
import { AppSignatureGuard } from './auth/app-signature.guard';
import { AdminController } from './management/admin.controller';
import { GroupsController } from './management/groups.controller';
import { TokensController } from './management/tokens.controller';
import { SettingsController } from './management/settings.controller';
import { UsersController } from './management/users.controller';
import { RecallController } from './management/recall.controller';
import { SessionControl } from './management/session-control';
import { AcceptMessageUseCase } from './messages/accept-message.usecase';
import { InboundCommandsConsumer } from './messages/inbound-commands.consumer';
import { InternalMessagesController } from './messages/internal-messages.controller';
import { MessagePublisher } from './messages/message-publisher';
import { OutboxSweeper } from './messages/outbox-sweeper';
import { TransientPublisher } from './messages/transient-publisher';

@Module({})
export class IngestionModule {
  static forRoot(config: IngestionConfig): DynamicModule {
    return {
      module: IngestionModule,
      imports: [PlatformModule.forRoot(config, 'ingestion')],
      controllers: [AdminController, TokensController, GroupsController, SettingsController, UsersController, RecallController, InternalMessagesController],
      providers: [
        { provide: INGESTION_CONFIG, useValue: config },
        AppSignatureGuard,
        SessionControl,
        AcceptMessageUseCase,
        MessagePublisher,
        TransientPublisher,
        OutboxSweeper,
        InboundCommandsConsumer,
      ],
    };
  }
}
