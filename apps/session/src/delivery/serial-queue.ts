/** Runs tasks one after another; the first failure stops it and is reported once. */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly onFailure: (err: unknown) => void) {}

  get closed(): boolean {
    return this.stopped;
  }

  push(task: () => Promise<void>): void {
    this.tail = this.tail
      .then(() => (this.stopped ? undefined : task()))
      .catch((err) => {
        this.stopped = true;
        this.onFailure(err);
      });
  }

  close(): void {
    this.stopped = true;
  }
}
