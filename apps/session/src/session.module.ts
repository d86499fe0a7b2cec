import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, RecallClient } from '@msync/platform';
import { TokenVerifier } from './auth/token-verifier';
import { IngestionClient, StreamReader } from './clients/service-clients';
import { SESSION_CONFIG, type SessionConfig } from './config';
import { CursorWriter } from './cursor/cursor-writer';
import { LiveEventsConsumer } from './delivery/live-events.consumer';
import { TransientConsumer } from './delivery/transient.consumer';
import { SessionDeps } from './gateway/session-deps';
import { SessionRegistry } from './gateway/session-registry';
import { WsServer } from './gateway/ws-server';
import { LoginPolicy } from './gateway/login-policy';
import { SessionControlConsumer } from './gateway/session-control.consumer';
import { GatewayHeartbeat } from './gateway/gateway-heartbeat';

@Module({})
export class SessionModule {
  static forRoot(config: SessionConfig): DynamicModule {
    return {
      module: SessionModule,
      imports: [PlatformModule.forRoot(config, 'session')],
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
        LiveEventsConsumer,
        TransientConsumer,
        LoginPolicy,
        SessionControlConsumer,
        GatewayHeartbeat,
      ],
    };
  }
}
