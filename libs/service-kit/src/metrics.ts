import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; every lib registers its metrics here. */
export const metricsRegistry = new Registry();
let defaultsCollected = false;
const EVENT_LOOP_SAMPLE_MS = 1_000;

export function initMetrics(service: string): void {
  metricsRegistry.setDefaultLabels({ service });
  if (!defaultsCollected) {
    // The event-loop delay histogram samples with a timer: prom-client's default (10 ms) woke every
    // process 100 times a second with nothing to do, about 1 % of a core each (docs/benchmarks.md).
    // Once a second still catches a loop that is blocked or lagging for long.
    collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    defaultsCollected = true;
  }
}

function getOrCreate<T>(name: string, make: () => T): T {
  return (metricsRegistry.getSingleMetric(name) as T | undefined) ?? make();
}

export function counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
  return getOrCreate(name, () => new Counter({ name, help, labelNames, registers: [metricsRegistry] }));
}

export function gauge(name: string, help: string, labelNames: string[] = []): Gauge<string> {
  return getOrCreate(name, () => new Gauge({ name, help, labelNames, registers: [metricsRegistry] }));
}

export function histogram(
  name: string,
  help: string,
  labelNames: string[] = [],
  buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
): Histogram<string> {
  return getOrCreate(name, () => new Histogram({ name, help, labelNames, buckets, registers: [metricsRegistry] }));
}

/** 1 when a readiness dependency check (kafka, postgres, ...) passed at the last `/readyz` probe, else 0. */
export function readinessCheckUp(): Gauge<string> {
  return gauge('readiness_check_up', 'Result of each readiness dependency check at the last /readyz probe (1 up, 0 down)', ['check']);
}
