/** One observation of a failure class (what was sent, and what happened). */
export interface Finding {
  cls: string;
  detail: string;
  /** The input, described (a frame or a request). */
  input: string;
  label: string;
  /** Caused by a service that died meanwhile, not by this input: counted, not reported as a class of its own. */
  consequence?: boolean;
  /** Inputs sent just before a service died: each is tried alone to find the one that kills it. */
  suspects?: unknown[];
}

export interface FailureRecord {
  class: string;
  count: number;
  /** The first input that showed it, and what happened. */
  repro: string;
  detail: string;
  label: string;
  /** The smallest failing batch fast-check shrank to (when it did). */
  shrunk?: { repro: string[]; detail: string; shrinkRuns: number; fcSeed: number; fcPath?: string };
}

export interface FuzzSummary {
  seed: number;
  frames: number;
  requests: number;
  exits: number;
  http5xx: number;
  unanswered: number;
  failures: FailureRecord[];
  /** Failures caused by a service exit (connections dropped, sends lost meanwhile): not classes of their own. */
  consequences: number;
  bystanders: { wsAccepted: number; httpAccepted: number; incidents: number };
  durationMs: number;
}

/** Counts findings per class and keeps one example (the shrunk one when there is one). */
export class FailureCollector {
  private readonly records = new Map<string, FailureRecord>();
  consequences = 0;
  http5xx = 0;
  unanswered = 0;

  add(f: Finding, counted = true): boolean {
    if (f.consequence) {
      if (counted) this.consequences++;
      return false;
    }
    if (counted) {
      if (f.cls.startsWith('http:5xx')) this.http5xx++;
      if (f.cls.startsWith('ws:unanswered') || f.cls.startsWith('http:no-answer')) this.unanswered++;
    }
    const existing = this.records.get(f.cls);
    if (existing) {
      if (counted) existing.count++;
      return false;
    }
    this.records.set(f.cls, { class: f.cls, count: counted ? 1 : 0, repro: f.input, detail: f.detail, label: f.label });
    return true;
  }

  has(cls: string): boolean {
    return this.records.has(cls);
  }

  setShrunk(cls: string, shrunk: NonNullable<FailureRecord['shrunk']>): void {
    const r = this.records.get(cls);
    if (r) r.shrunk = shrunk;
  }

  /** Rewrites every detail (e.g. to append what the service logged for an error id). */
  explain(fn: (detail: string) => string): void {
    for (const r of this.records.values()) {
      r.detail = fn(r.detail);
      if (r.shrunk) r.shrunk.detail = fn(r.shrunk.detail);
    }
  }

  get list(): FailureRecord[] {
    return [...this.records.values()];
  }
}
