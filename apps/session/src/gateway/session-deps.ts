import { Inject, Injectable } from '@nestjs/common';
import { DeviceRepository, SessionRepository, StreamRepository } from '@msync/persistence';
import { AppDirectory } from '@msync/platform';
import { LoginPolicy } from './login-policy';
import { TokenVerifier } from '../auth/token-verifier';
import { RecallClient } from '@msync/platform';
import { IngestionClient, StreamReader } from '../clients/service-clients';
import { SESSION_CONFIG, type SessionConfig } from '../config';
import { CursorWriter } from '../cursor/cursor-writer';
import { SessionRegistry } from './session-registry';

/** What a device session needs, injected once and handed to each connection. */
@Injectable()
export class SessionDeps {
  constructor(
    @Inject(SESSION_CONFIG) readonly config: SessionConfig,
    readonly tokens: TokenVerifier,
    readonly devices: DeviceRepository,
    readonly streams: StreamReader,
    readonly ingestion: IngestionClient,
    readonly cursors: CursorWriter,
    readonly registry: SessionRegistry,
    readonly policy: LoginPolicy,
    readonly sessions: SessionRepository,
    readonly apps: AppDirectory,
    readonly streamStore: StreamRepository,
    readonly recalls: RecallClient,
  ) {}
}
