import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Any rendered Kubernetes object (checked against its schema before anything reads it). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** Kustomize v5 (kubectl 1.27+) is what deploy/k8s is written for (components, `labels`). */
const MIN_KUSTOMIZE_MAJOR = 5;

/** kubectl with a recent enough built-in Kustomize, or why not. */
export function kubectlStatus(): { ok: true; kustomize: string } | { ok: false; reason: string } {
  let out: string;
  try {
    out = execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    return { ok: false, reason: `kubectl is not installed or does not run (${(err as Error).message.split('\n')[0]})` };
  }
  const kustomize = String((JSON.parse(out) as { kustomizeVersion?: string }).kustomizeVersion ?? '');
  const major = Number(/^v?(\d+)/.exec(kustomize)?.[1] ?? 0);
  if (major < MIN_KUSTOMIZE_MAJOR) return { ok: false, reason: `kubectl's Kustomize is ${kustomize || 'unknown'}; deploy/k8s needs v${MIN_KUSTOMIZE_MAJOR} or later` };
  return { ok: true, kustomize };
}

/** Parses a multi-document YAML stream into objects (empty documents skipped). */
export function parseObjects(yaml: string): K8sObject[] {
  return parseAllDocuments(yaml)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`YAML: ${doc.errors[0].message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/** `kubectl kustomize <dir>` (dir relative to the repository root), parsed. */
export function renderKustomization(root: string, dir: string): K8sObject[] {
  const yaml = execFileSync('kubectl', ['kustomize', resolve(root, dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  return parseObjects(yaml);
}
