import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, RecallClient } from '@msync/platform';
import { TokenVerifier } from './auth/token-verifier';
import { IngestionClient, StreamReader } from './clients/service-clients';
import { SESSION_CONFIG, type SessionConfig } from './config';
import { CursorWriter } from './cursor/cursor-writer';
import { LiveEventsController } from './delivery/live-events.controller';
import { TransientController } from './delivery/transient.controller';
import { SessionDeps } from './gateway/session-deps';
import { SessionRegistry } from './gateway/session-registry';
import { WsServer } from './gateway/ws-server';
import { LoginPolicy } from './gateway/login-policy';
import { SessionControl } from './gateway/session-control';
import { SessionControlController } from './gateway/session-control.controller';
import { GatewayHeartbeat } from './gateway/gateway-heartbeat';

@Module({})
export class SessionModule {
  static forRoot(config: SessionConfig): DynamicModule {
    return {
      module: SessionModule,
      imports: [PlatformModule.forRoot(config, 'session')],
      controllers: [LiveEventsController, TransientController, SessionControlController],
      providers: [
        { provide: SESSION_CONFIG, useValue: config },
        TokenVerifier,
        StreamReader,
        IngestionClient,
        { provide: RecallClient, useFactory: () => new RecallClient(config.RECALL_URL, config.INTERNAL_API_TOKEN) },
        CursorWriter,
        SessionRegistry,
        SessionDeps,
        WsServer,
        LoginPolicy,
        SessionControl,
        GatewayHeartbeat,
      ],
    };
  }
}
