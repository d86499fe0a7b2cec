import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface DrainReport {
  /** Requests being handled when the drain began. */
  inFlight: number;
  /** Requests still unanswered after the grace period, whose connections were closed. */
  cutOff: number;
}

/**
 * Empties an HTTP server at shutdown. `server.close()` alone stops listening and then waits for every
 * keep-alive connection to go idle; a client that sends its next request as soon as the last one was
 * answered (a gateway forwarding device sends under load) never lets its connection go idle, so the
 * close never finished and the shutdown ran into its deadline.
 */
export class HttpDrain {
  private readonly inFlight = new Set<ServerResponse>();
  private draining = false;
  private onEmpty?: () => void;

  constructor(private readonly server: Server) {
    // Before the application's own listener, so the header is set before anything is answered.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      // The client opens a new connection for its next request, and finds nobody listening.
      if (this.draining && !res.headersSent) res.setHeader('Connection', 'close');
      this.inFlight.add(res);
      res.once('close', () => this.finished(res));
    });
  }

  /**
   * Stops accepting connections and closes idle ones. Requests in flight are answered, with
   * `Connection: close`; whatever is still open after `graceMs` is closed (its client sees a broken
   * connection and retries elsewhere or later; the handler's work is idempotent).
   */
  async drain(graceMs: number): Promise<DrainReport> {
    this.draining = true;
    const inFlight = this.inFlight.size;
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    this.server.close();
    this.server.closeIdleConnections();
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (this.onEmpty = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    const cutOff = this.inFlight.size;
    this.server.closeAllConnections();
    return { inFlight, cutOff };
  }

  private finished(res: ServerResponse): void {
    this.inFlight.delete(res);
    if (!this.draining) return;
    this.server.closeIdleConnections();
    if (this.inFlight.size === 0) this.onEmpty?.();
  }
}
