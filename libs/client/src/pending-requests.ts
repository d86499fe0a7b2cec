import type { ClientFrame, ServerFrame } from '@msync/contracts';
import { ClientErrorCodes, SyncClientError } from './errors';

/** A request frame that carries an `id` the server echoes in its answer. */
export type RequestFrame = Extract<ClientFrame, { t: 'send' | 'ping' | 'recall' }> & { id: string };

interface Entry {
  readonly frame: RequestFrame;
  /** Times the frame was written to a socket. */
  attempts: number;
  readonly resolve: (answer: ServerFrame) => void;
  readonly reject: (err: SyncClientError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * Requests waiting for their answer, by `id`. Each has one deadline covering every attempt:
 * the client resends what is still here after a reconnect.
 */
export class PendingRequests {
  private readonly entries = new Map<string, Entry>();

  get size(): number {
    return this.entries.size;
  }

  /** Registers a request; the promise settles with the answer frame, an error, or a timeout. */
  add(frame: RequestFrame, timeoutMs: number): Promise<ServerFrame> {
    return new Promise<ServerFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        const what = frame.t === 'send' ? `send (clientMsgId ${frame.clientMsgId})` : frame.t;
        this.fail(frame.id, new SyncClientError(ClientErrorCodes.TIMEOUT, `no answer to ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.entries.set(frame.id, { frame, attempts: 0, resolve, reject, timer });
    });
  }

  /** Requests still waiting, oldest first. */
  waiting(): RequestFrame[] {
    return [...this.entries.values()].map((e) => e.frame);
  }

  /** Records that the frame was written to a socket; returns the attempt number (1 = first). */
  markSent(id: string): number {
    const entry = this.entries.get(id);
    return entry ? ++entry.attempts : 0;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  resolve(id: string, answer: ServerFrame): boolean {
    const entry = this.take(id);
    entry?.resolve(answer);
    return entry !== undefined;
  }

  fail(id: string, err: SyncClientError): boolean {
    const entry = this.take(id);
    entry?.reject(err);
    return entry !== undefined;
  }

  failAll(err: SyncClientError): void {
    for (const id of [...this.entries.keys()]) this.fail(id, err);
  }

  private take(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.entries.delete(id);
    return entry;
  }
}
