import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketServer } from 'ws';
import { CloseCodes, MAX_FRAME_BYTES } from '@msync/contracts';
import { DeviceSession } from './device-session';
import { SessionDeps } from './session-deps';
import { SessionRegistry } from './session-registry';

export const WS_PATH = '/ws';

/** Devices connect at `ws://<host>:<HTTP_PORT>/ws`, on the same port as health and metrics. */
@Injectable()
export class WsServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly deps: SessionDeps,
    private readonly registry: SessionRegistry,
  ) {}

  onApplicationBootstrap() {
    const server: Server = this.adapterHost.httpAdapter.getHttpServer();
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (new URL(req.url ?? '/', 'http://x').pathname !== WS_PATH) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => new DeviceSession(ws, this.deps));
    });
  }

  /** Devices are told to go away (they reconnect to another replica and replay from their cursor). */
  beforeApplicationShutdown() {
    for (const session of this.registry.all()) session.close(CloseCodes.GOING_AWAY, 'gateway shutting down');
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}
