/**
 * Where a device keeps its cursor (the highest stream seq it applied) between runs.
 * `load()` resolves null for a new (or reinstalled) device that has no cursor yet.
 */
export interface CursorStore {
  load(): Promise<number | null>;
  save(seq: number): Promise<void>;
}

/** Keeps the cursor in memory: enough for tests, benchmarks and short-lived clients. */
export class MemoryCursorStore implements CursorStore {
  /** Every value passed to `save`, oldest first. */
  readonly saved: number[] = [];

  constructor(private seq: number | null = null) {}

  async load(): Promise<number | null> {
    return this.seq;
  }

  async save(seq: number): Promise<void> {
    this.seq = seq;
    this.saved.push(seq);
  }
}

/** The part of the Web Storage API (`localStorage`, `sessionStorage`) the store uses. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Keeps the cursor in Web Storage (e.g. `localStorage`) under one key per user and device. */
export class WebStorageCursorStore implements CursorStore {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly key: string,
  ) {}

  async load(): Promise<number | null> {
    const raw = this.storage.getItem(this.key);
    if (raw === null) return null;
    const seq = Number(raw);
    return Number.isSafeInteger(seq) && seq >= 0 ? seq : null;
  }

  async save(seq: number): Promise<void> {
    this.storage.setItem(this.key, String(seq));
  }
}
