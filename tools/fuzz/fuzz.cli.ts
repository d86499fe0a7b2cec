import { formatFuzzSummary, fuzzOptionsFromEnv, fuzzSummaryLine, runFuzz } from '@msync/testing';

/**
 * `npm run fuzz`: the fuzz of the running services, longer than the CI spec. Starts the services on
 * the local Kafka and PostgreSQL, sends FUZZ_FRAMES device frames and FUZZ_REQUESTS HTTP requests
 * (seed: FUZZ_SEED, random by default), and prints progress and the failures on stderr and one JSON
 * summary line on stdout: {seed, frames, requests, exits, http5xx, unanswered, failures: [...]}.
 * Exit code 1 when anything failed.
 */
const log = (msg: string, extra: Record<string, unknown> = {}) => process.stderr.write(`${JSON.stringify({ msg, ...extra })}\n`);

async function main(): Promise<number> {
  const options = fuzzOptionsFromEnv({ frames: 50_000, requests: 10_000, shrinkMsPerClass: 60_000, shrinkMsTotal: 300_000, log });
  const summary = await runFuzz(options);
  process.stderr.write(`${formatFuzzSummary(summary)}\n`);
  process.stdout.write(`${fuzzSummaryLine(summary)}\n`);
  return summary.failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    log('fuzz failed', { error: err.stack ?? err.message });
    process.exit(2);
  },
);
