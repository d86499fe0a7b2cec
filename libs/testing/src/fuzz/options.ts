import type { FuzzOptions } from './campaign';
import type { FuzzSummary } from './report';

/**
 * Fuzz size and seed from the environment: FUZZ_SEED replays a run (same inputs), FUZZ_FRAMES and
 * FUZZ_REQUESTS size it, FUZZ_SHRINK_MS caps the time spent shrinking each failure class,
 * FUZZ_LOG_DIR keeps every service's log.
 */
export function fuzzOptionsFromEnv(defaults: Omit<FuzzOptions, 'seed'>, env: NodeJS.ProcessEnv = process.env): FuzzOptions {
  const int = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
    return n;
  };
  return {
    ...defaults,
    seed: int('FUZZ_SEED'),
    frames: int('FUZZ_FRAMES') ?? defaults.frames,
    requests: int('FUZZ_REQUESTS') ?? defaults.requests,
    shrinkMsPerClass: int('FUZZ_SHRINK_MS') ?? defaults.shrinkMsPerClass,
    shrinkMsTotal: int('FUZZ_SHRINK_TOTAL_MS') ?? defaults.shrinkMsTotal,
    logDir: env.FUZZ_LOG_DIR || defaults.logDir,
  };
}

/** A readable multi-line account of the failures (the JSON summary has them too). */
export function formatFuzzSummary(s: FuzzSummary): string {
  const head = `fuzz seed ${s.seed}: ${s.frames} frames, ${s.requests} requests, ${s.exits} exits, ${s.http5xx} HTTP 5xx, ${s.unanswered} unanswered, ${s.failures.length} failure classes (replay: FUZZ_SEED=${s.seed})`;
  const lines = s.failures.map((f) => {
    const repro = f.shrunk ? f.shrunk.repro.join('\n      ') : f.repro;
    const detail = f.shrunk?.detail || f.detail;
    return `  - ${f.class} (x${f.count}, ${f.label})\n      ${repro.slice(0, 600)}\n      => ${detail.slice(0, 600)}`;
  });
  return [head, ...lines].join('\n');
}

/** The one-line JSON summary: {seed, frames, requests, exits, http5xx, unanswered, failures: [{class, count, repro, detail}], ...}. */
export function fuzzSummaryLine(s: FuzzSummary): string {
  const failures = s.failures.map((f) => ({
    class: f.class,
    count: f.count,
    repro: f.shrunk ? f.shrunk.repro : [f.repro],
    detail: (f.shrunk?.detail || f.detail).slice(0, 800),
  }));
  const { seed, frames, requests, exits, http5xx, unanswered, consequences, bystanders, durationMs } = s;
  return JSON.stringify({ seed, frames, requests, exits, http5xx, unanswered, failures, consequences, bystanders, durationMs });
}
