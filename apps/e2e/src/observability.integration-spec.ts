import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT, TestSystem, startService, type ServiceProcess } from '@msync/testing';

const OBSERVABILITY = join(REPO_ROOT, 'deploy', 'observability');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  annotations?: Record<string, string>;
}

/** PromQL words that are not metric names. */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless', 'inf', 'nan']);

/** The metric names a PromQL expression reads (functions, label names, keywords, strings and numbers left out). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = stripped.slice(m.index! + m[0].length);
    if (/^\s*\(/.test(after) || KEYWORDS.has(m[0].toLowerCase())) continue;
    if (/^[0-9]/.test(m[0]) || (m.index! > 0 && /[0-9.]/.test(stripped[m.index! - 1]))) continue; // 5m, 1e3
    names.add(m[0]);
  }
  return [...names];
}

/** Histogram and summary series carry the family's name plus a suffix. */
function family(name: string, exported: Set<string>): string {
  if (exported.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return exported.has(base) ? base : name;
}

function dashboardExpressions(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(join(OBSERVABILITY, 'grafana-dashboard.json'), 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[]; panels?: { title: string; targets?: { expr: string }[] }[] }[];
  };
  const all = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  return all.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
}

function alertRules(): Rule[] {
  const doc = parse(readFileSync(join(OBSERVABILITY, 'alerts.yaml'), 'utf8')) as { groups: { name: string; rules: Rule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

/** Every metric family a service exports (`# TYPE` lines: also those with no sample yet). */
async function exportedBy(p: ServiceProcess): Promise<Set<string>> {
  const text = await (await fetch(`${p.url}/metrics`)).text();
  return new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]));
}

describe('observability: the dashboard and the alert rules read metrics the services export', () => {
  let system: TestSystem;
  const extra: ServiceProcess[] = [];

  beforeAll(async () => {
    system = await TestSystem.start();
  }, 180_000);
  afterAll(async () => {
    await Promise.all(extra.map((p) => p.stop('SIGTERM')));
    await system?.stop();
  });

  it('extracts metric names from PromQL', () => {
    expect(
      metricNames('sum by (group, topic) (max by (group, topic, partition) (kafka_consumer_lag{group!~".*live.*"})) > 1e3 unless on (group) rate(x_total[5m]) offset 1d'),
    ).toEqual(['kafka_consumer_lag', 'x_total']);
    expect(metricNames('histogram_quantile(0.99, sum by (le) (rate(delivery_latency_seconds_bucket{path="live"}[5m])))')).toEqual(['delivery_latency_seconds_bucket']);
    expect(metricNames('time() - max by (service) (a_timestamp_seconds) > 120')).toEqual(['a_timestamp_seconds']);
  });

  it('the PrometheusRule of deploy/k8s/components/monitoring holds exactly the rules of alerts.yaml', () => {
    const k8s = parse(readFileSync(join(REPO_ROOT, 'deploy', 'k8s', 'components', 'monitoring', 'prometheus-rule.yaml'), 'utf8')) as { kind: string; spec: { groups: unknown } };
    const source = parse(readFileSync(join(OBSERVABILITY, 'alerts.yaml'), 'utf8')) as { groups: unknown };
    expect(k8s.kind).toBe('PrometheusRule');
    expect(k8s.spec.groups).toEqual(source.groups);
  });

  it('every metric of every panel and alert rule is exported by a running service; every alert has a runbook section', async () => {
    // Both fan-out stages in processes of their own too (as deploy/k8s runs them).
    extra.push(await startService('fanout', { env: { FANOUT_STAGES: 'expand' } }), await startService('fanout', { env: { FANOUT_STAGES: 'stream-writer' } }));
    const processes = [system.ingestion, system.compensation, system.recall, ...system.fanout, ...system.gateways, ...extra];
    const exported = new Set<string>();
    for (const p of processes) for (const name of await exportedBy(p)) exported.add(name);

    const uses = [
      ...dashboardExpressions().map((d) => ({ where: `panel "${d.panel}"`, expr: d.expr })),
      ...alertRules().map((r) => ({ where: `alert ${r.alert ?? r.record}`, expr: r.expr })),
    ];
    expect(uses.length).toBeGreaterThan(20);
    const missing: string[] = [];
    for (const { where, expr } of uses) {
      const names = metricNames(expr);
      if (names.length === 0) missing.push(`${where}: no metric in ${expr}`);
      for (const name of names) if (!exported.has(family(name, exported))) missing.push(`${where}: ${name}`);
    }
    expect(missing).toEqual([]);

    const runbook = readFileSync(join(REPO_ROOT, 'docs', 'operations.md'), 'utf8').toLowerCase();
    const withoutRunbook = alertRules()
      .filter((r) => r.alert)
      .filter((r) => !r.annotations?.runbook?.startsWith(`docs/operations.md#${r.alert!.toLowerCase()}`) || !runbook.includes(`### ${r.alert!.toLowerCase()}`))
      .map((r) => r.alert);
    expect(withoutRunbook).toEqual([]);
  }, 180_000);
});
