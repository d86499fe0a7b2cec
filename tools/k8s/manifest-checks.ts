import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { ILabelSelector } from '@kubernetes-models/apimachinery/apis/meta/v1/LabelSelector';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IService } from 'kubernetes-models/v1/Service';
import type { z } from 'zod';
import type { CodeFacts, ConsumerFact } from './code-facts';
import type { K8sObject } from './render';

/** What an overlay promises, checked on top of what every overlay must satisfy. */
export interface OverlayExpectations {
  /** Every service Deployment runs at least this many replicas (autoscaled: the autoscaler's minimum). */
  minReplicas: number;
  /** When set: at most this many, and nothing autoscaled. */
  maxReplicas?: number;
  /** KAFKA_REPLICATION_FACTOR of the provisioning Job and the services. */
  replicationFactor: number;
  /** ingestion, session and compensation have a CPU HPA; every fan-out Deployment a KEDA ScaledObject. */
  autoscaling: boolean;
  /** A ServiceMonitor scrapes the services. */
  monitoring: boolean;
}

/** Services whose port only pods of the namespace may reach (their API is /internal only). */
const INTERNAL_ONLY_SERVICES = new Set(['recall', 'compensation', 'fanout']);
/** Services with a CPU HorizontalPodAutoscaler. */
const CPU_SCALED_SERVICES = new Set(['ingestion', 'session', 'compensation']);
/** Variables that must come from a Secret, never from the manifests. */
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)|^DATABASE_URL$/;
const MAIN_JS = /^dist\/apps\/([a-z0-9-]+)\/src\/main\.js$/;
const MIGRATE_JS = 'dist/libs/persistence/src/migrate.cli.js';
const PROVISION_JS = 'dist/tools/provision-topics.cli.js';
/** KEDA's default maxReplicaCount. */
const KEDA_DEFAULT_MAX = 100;

type EnvSource = 'literal' | 'secret' | 'field' | 'resource';
interface EnvEntry {
  source: EnvSource;
  value?: string;
}
type Env = Map<string, EnvEntry>;

/** One service Deployment, read once. */
interface ServiceWorkload {
  where: string;
  deployment: IDeployment;
  name: string;
  pod: IPodSpec;
  podLabels: Record<string, string>;
  container: IContainer;
  service: string;
  schema: z.ZodObject;
  env: Env;
  /** Literal values (ConfigMaps resolved) for parsing. */
  literals: Record<string, string>;
  httpPort: number;
}

const meta = (o: { metadata?: { name?: string } }) => o.metadata?.name ?? '?';

function selects(selector: ILabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    const has = e.key in labels;
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn':
        return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
  return byLabels && byExpressions;
}

const serviceSelects = (svc: IService, labels: Record<string, string>) => {
  const sel = svc.spec?.selector;
  return !!sel && Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => labels[k] === v);
};

/** The container port a probe/Service port refers to (a name is looked up; a number is itself). */
function resolvePort(container: IContainer, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** A schema key's value as the service would see it (its default when unset); undefined when invalid. */
function effective(schema: z.ZodObject, key: string, literals: Record<string, string>): unknown {
  const field = schema.shape[key] as z.ZodType | undefined;
  if (!field) return literals[key];
  const parsed = field.safeParse(literals[key]);
  return parsed.success ? parsed.data : undefined;
}

const isRequired = (field: z.ZodType) => !field.safeParse(undefined).success;

function commandArgs(c: IContainer): string[] {
  return [...(c.command ?? []), ...(c.args ?? [])];
}

function preStopSeconds(c: IContainer): number {
  const handler = c.lifecycle?.preStop;
  if (!handler) return 0;
  if (handler.sleep) return Number(handler.sleep.seconds);
  const cmd = handler.exec?.command ?? [];
  return cmd[0] === 'sleep' || cmd[0] === '/bin/sleep' ? Number(cmd[1] ?? 0) : 0;
}

/**
 * Checks rendered manifests against the code (service config schemas, health routes, Kafka consumers,
 * topic manifest) and against what deploy/k8s promises. Returns the problems found, each naming the
 * object; empty when all is well.
 */
export function checkManifests(objects: readonly K8sObject[], facts: CodeFacts, expect: OverlayExpectations): string[] {
  const problems: string[] = [];
  const report = (where: string, what: string) => problems.push(`${where}: ${what}`);
  const ofKind = <T>(kind: string) => objects.filter((o) => o.kind === kind) as unknown as T[];
  const configMaps = ofKind<IConfigMap>('ConfigMap');
  const services = ofKind<IService>('Service');
  const deployments = ofKind<IDeployment>('Deployment');
  const jobs = ofKind<IJob>('Job');
  const pdbs = ofKind<IPodDisruptionBudget>('PodDisruptionBudget');
  const hpas = ofKind<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler');
  const scaledObjects = ofKind<IScaledObject>('ScaledObject');
  const serviceMonitors = ofKind<IServiceMonitor>('ServiceMonitor');
  const policies = ofKind<INetworkPolicy>('NetworkPolicy');
  const ingresses = ofKind<IIngress>('Ingress');

  for (const secret of objects.filter((o) => o.kind === 'Secret')) {
    report(`Secret/${meta(secret)}`, 'a Secret is in the manifests: secrets are created outside them (deploy/k8s/secrets.example.env) and only referenced');
  }

  // --- environment of any container -------------------------------------------------------------
  const resolveEnv = (where: string, c: IContainer): Env => {
    const env: Env = new Map();
    for (const from of c.envFrom ?? []) {
      if (from.configMapRef) {
        const cm = configMaps.find((m) => meta(m) === from.configMapRef!.name);
        if (!cm) report(where, `envFrom ConfigMap ${from.configMapRef.name} is not in the manifests`);
        for (const [k, v] of Object.entries(cm?.data ?? {})) env.set(`${from.prefix ?? ''}${k}`, { source: 'literal', value: v });
      }
      if (from.secretRef) report(where, `envFrom Secret ${from.secretRef.name}: name each variable with secretKeyRef so the checks can see it`);
    }
    for (const e of c.env ?? []) {
      const vf = e.valueFrom;
      if (!vf) env.set(e.name, { source: 'literal', value: e.value ?? '' });
      else if (vf.secretKeyRef) env.set(e.name, { source: 'secret' });
      else if (vf.fieldRef) env.set(e.name, { source: 'field' });
      else if (vf.configMapKeyRef) {
        const value = configMaps.find((m) => meta(m) === vf.configMapKeyRef!.name)?.data?.[vf.configMapKeyRef.key];
        if (value === undefined) report(where, `${e.name}: ConfigMap ${vf.configMapKeyRef.name} key ${vf.configMapKeyRef.key} is not in the manifests`);
        env.set(e.name, { source: 'literal', value: value ?? '' });
      } else env.set(e.name, { source: 'resource' });
    }
    for (const [name, entry] of env) {
      if (SECRET_NAME.test(name) && entry.source !== 'secret') report(where, `${name} is a secret: take it from a Secret (secretKeyRef), not from the manifests`);
    }
    return env;
  };
  const literalsOf = (env: Env) => Object.fromEntries([...env].filter(([, e]) => e.source === 'literal').map(([k, e]) => [k, e.value ?? '']));

  // --- what every container of every pod needs -------------------------------------------------
  const checkContainerBasics = (where: string, pod: IPodSpec, c: IContainer) => {
    const w = `${where} container ${c.name}`;
    const runAsNonRoot = c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
    const runAsUser = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
    if (runAsNonRoot !== true) report(w, 'runAsNonRoot is not true');
    if (runAsUser === undefined || runAsUser === 0) report(w, 'runAsUser must be a non-zero number (the image user "node" is a name, which runAsNonRoot cannot check)');
    if (c.securityContext?.readOnlyRootFilesystem !== true) report(w, 'readOnlyRootFilesystem is not true');
    if (c.securityContext?.allowPrivilegeEscalation !== false) report(w, 'allowPrivilegeEscalation is not false');
    const r = c.resources;
    for (const [kind, values] of [
      ['requests', r?.requests],
      ['limits', r?.limits],
    ] as const) {
      for (const res of ['cpu', 'memory']) if (!values?.[res]) report(w, `no ${kind}.${res}`);
    }
    for (const arg of commandArgs(c)) {
      const js = /^dist\/(.+)\.js$/.exec(arg);
      if (js && !facts.sourceExists(`${js[1]}.ts`)) report(w, `runs ${arg}, but ${js[1]}.ts does not exist`);
    }
  };

  // --- service Deployments -------------------------------------------------------------------
  const workloads: ServiceWorkload[] = [];
  for (const d of deployments.filter((x) => x.metadata?.labels?.['msync.io/workload'] === 'service')) {
    const where = `Deployment/${meta(d)}`;
    const pod = d.spec?.template.spec;
    if (!pod) {
      report(where, 'no pod template');
      continue;
    }
    const container = pod.containers.find((c) => commandArgs(c).some((a) => MAIN_JS.test(a)));
    const service = container && commandArgs(container).map((a) => MAIN_JS.exec(a)?.[1]).find(Boolean);
    const schema = service ? facts.serviceSchemas[service] : undefined;
    if (!container || !service || !schema) {
      report(where, `no container runs a known service (dist/apps/<service>/src/main.js with one of: ${Object.keys(facts.serviceSchemas).join(', ')})`);
      continue;
    }
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) checkContainerBasics(where, pod, c);
    const env = resolveEnv(`${where} container ${container.name}`, container);
    const literals = literalsOf(env);
    const httpPort = Number(effective(schema, 'HTTP_PORT', literals));
    workloads.push({ where, deployment: d, name: meta(d), pod, podLabels: d.spec?.template.metadata?.labels ?? {}, container, service, schema, env, literals, httpPort });
    for (const init of pod.initContainers ?? []) {
      const initEnv = resolveEnv(`${where} init container ${init.name}`, init);
      for (const needed of ['KAFKA_BROKERS', 'DATABASE_URL']) if (!initEnv.has(needed)) report(`${where} init container ${init.name}`, `${needed} is not set`);
    }
  }

  for (const w of workloads) {
    const { where, schema, env, literals, container, pod, podLabels, service } = w;
    // Every variable the service requires is set; every one set is one it reads; every literal value parses.
    for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      if (isRequired(field) && !env.has(key)) report(where, `${key} is required by ${service} (no default) but not set`);
    }
    for (const key of env.keys()) if (!(key in schema.shape)) report(where, `${key} is set but ${service} does not read it`);
    const parsed = schema.safeParse(literals);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0]);
        if (env.has(key) && env.get(key)!.source === 'literal') report(where, `${key}=${JSON.stringify(literals[key])}: ${issue.message}`);
      }
    }
    if ('GATEWAY_ID' in schema.shape && env.get('GATEWAY_ID')?.source === 'literal') {
      report(where, 'GATEWAY_ID names the replica\'s own consumer groups: a fixed value makes replicas share them (set it from metadata.name, or leave it unset)');
    }
    if (effective(schema, 'KAFKA_PROVISION_TOPICS', literals) !== false) report(where, 'KAFKA_PROVISION_TOPICS must be "false" (the msync-provision-topics Job provisions)');
    const rf = effective(schema, 'KAFKA_REPLICATION_FACTOR', literals);
    if (rf !== expect.replicationFactor) report(where, `KAFKA_REPLICATION_FACTOR is ${String(rf)}, expected ${expect.replicationFactor}`);

    // The port and the probes.
    if (!Number.isInteger(w.httpPort)) report(where, 'HTTP_PORT does not parse');
    if (!container.ports?.some((p) => p.containerPort === w.httpPort)) report(where, `no container port ${w.httpPort} (HTTP_PORT)`);
    const probe = (kind: string, p: IContainer['livenessProbe'], path: string, required: boolean) => {
      if (!p) {
        if (required) report(where, `no ${kind} probe`);
        return;
      }
      if (!p.httpGet) return report(where, `${kind} probe is not an HTTP GET of ${path}`);
      if (p.httpGet.path !== path) report(where, `${kind} probe path ${p.httpGet.path} is not ${path} (the health controller's route)`);
      const port = resolvePort(container, p.httpGet.port);
      if (port !== w.httpPort) report(where, `${kind} probe port ${String(p.httpGet.port)} is not HTTP_PORT ${w.httpPort}`);
    };
    probe('liveness', container.livenessProbe, facts.healthPaths.liveness, true);
    probe('readiness', container.readinessProbe, facts.healthPaths.readiness, true);
    probe('startup', container.startupProbe, facts.healthPaths.liveness, false);

    // Graceful stop fits in the grace period.
    const shutdownMs = Number(effective(schema, 'SHUTDOWN_TIMEOUT_MS', literals));
    const graceMs = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
    const preStopMs = preStopSeconds(container) * 1000;
    if (!(graceMs > shutdownMs + preStopMs)) {
      report(where, `terminationGracePeriodSeconds (${graceMs / 1000}) must exceed preStop (${preStopMs / 1000} s) + SHUTDOWN_TIMEOUT_MS (${shutdownMs / 1000} s)`);
    }

    // Spread, disruption budget, a Service on the HTTP port.
    const spread = pod.topologySpreadConstraints ?? [];
    if (spread.length === 0) report(where, 'no topologySpreadConstraints');
    for (const t of spread) if (!selects(t.labelSelector, podLabels)) report(where, `topology spread on ${t.topologyKey} does not select the Deployment's own pods`);
    if (!pdbs.some((p) => selects(p.spec?.selector, podLabels))) report(where, 'no PodDisruptionBudget selects its pods');
    const svc = services.find((s) => serviceSelects(s, podLabels));
    if (!svc) report(where, 'no Service selects its pods');
    else if (!svc.spec?.ports?.some((p) => resolvePort(container, p.targetPort ?? p.port) === w.httpPort)) {
      report(`Service/${meta(svc)}`, `no port targets HTTP_PORT ${w.httpPort} of Deployment/${w.name}`);
    }

    // Service-to-service URLs name a Service and one of its ports.
    for (const [key, value] of Object.entries(literals)) {
      if (!key.endsWith('_URL') || key === 'DATABASE_URL') continue;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        continue; // the schema check above reports it
      }
      const target = services.find((s) => meta(s) === url.hostname.split('.')[0]);
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      if (!target) report(where, `${key}=${value}: no Service ${url.hostname.split('.')[0]}`);
      else if (!target.spec?.ports?.some((p) => p.port === port)) report(where, `${key}=${value}: Service ${meta(target)} has no port ${port}`);
    }
  }

  // --- replicas and autoscalers ----------------------------------------------------------------
  const hpaFor = (name: string) => hpas.filter((h) => h.spec?.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === name);
  const scaledObjectFor = (name: string) => scaledObjects.filter((s) => (s.spec.scaleTargetRef.kind ?? 'Deployment') === 'Deployment' && s.spec.scaleTargetRef.name === name);
  for (const w of workloads) {
    const hpa = hpaFor(w.name);
    const keda = scaledObjectFor(w.name);
    const autoscalers = hpa.length + keda.length;
    if (autoscalers > 1) report(w.where, 'more than one autoscaler (HPA and/or ScaledObject) targets it; they would fight');
    if (autoscalers > 0) {
      const min = hpa[0]?.spec?.minReplicas ?? keda[0]?.spec.minReplicaCount ?? 1;
      if (expect.maxReplicas !== undefined) report(w.where, `autoscaled, but this overlay runs exactly ${expect.maxReplicas} replica(s)`);
      if (min < expect.minReplicas) report(w.where, `autoscaler minimum ${min} is below ${expect.minReplicas}`);
      if (w.deployment.spec?.replicas !== undefined) report(w.where, 'spec.replicas is set although an autoscaler owns the count (every apply would reset it)');
    } else {
      const replicas = w.deployment.spec?.replicas ?? 1;
      if (replicas < expect.minReplicas) report(w.where, `${replicas} replica(s), expected at least ${expect.minReplicas}`);
      if (expect.maxReplicas !== undefined && replicas > expect.maxReplicas) report(w.where, `${replicas} replicas, expected at most ${expect.maxReplicas}`);
    }
    if (expect.autoscaling && CPU_SCALED_SERVICES.has(w.service) && hpa.length === 0) report(w.where, 'no CPU HorizontalPodAutoscaler');
    if (expect.autoscaling && w.service === 'fanout' && keda.length === 0) report(w.where, 'no KEDA ScaledObject on its consumer lag');
    if (!expect.autoscaling && autoscalers > 0) report(w.where, 'autoscaled, but this overlay has no autoscaling');
  }
  for (const h of hpas) {
    const where = `HorizontalPodAutoscaler/${meta(h)}`;
    const target = workloads.find((w) => h.spec?.scaleTargetRef.kind === 'Deployment' && w.name === h.spec.scaleTargetRef.name);
    if (!target) {
      report(where, `targets ${h.spec?.scaleTargetRef.kind}/${h.spec?.scaleTargetRef.name}, which is not an msync service Deployment`);
      continue;
    }
    const cpu = h.spec?.metrics?.some((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
    if (!cpu) report(where, 'no CPU metric');
    if (cpu && target.pod.containers.some((c) => !c.resources?.requests?.cpu)) report(where, 'CPU utilization needs a CPU request on every container of the target');
    if ((h.spec?.maxReplicas ?? 0) < (h.spec?.minReplicas ?? 1)) report(where, 'maxReplicas below minReplicas');
  }

  // --- KEDA: consumer groups and topics from the code, replicas within partitions --------------
  for (const so of scaledObjects) {
    const where = `ScaledObject/${meta(so)}`;
    const target = workloads.find((w) => w.name === so.spec.scaleTargetRef.name && (so.spec.scaleTargetRef.kind ?? 'Deployment') === 'Deployment');
    if (!target) {
      report(where, `targets ${so.spec.scaleTargetRef.name}, which is not an msync service Deployment`);
      continue;
    }
    const consumers: ConsumerFact[] | undefined = facts.consumersOf(target.service, target.literals);
    if (!consumers) {
      report(where, `scales ${target.name} (${target.service}), whose Kafka consumers the checks do not know`);
      continue;
    }
    const prefix = String(effective(target.schema, 'KAFKA_GROUP_PREFIX', target.literals) ?? '');
    const used = consumers.map((c) => `${prefix}${c.groupId}`);
    const max = so.spec.maxReplicaCount ?? KEDA_DEFAULT_MAX;
    const min = so.spec.minReplicaCount ?? 0;
    if (max < min) report(where, 'maxReplicaCount below minReplicaCount');
    const kafkaTriggers = so.spec.triggers.filter((t) => t.type === 'kafka');
    if (kafkaTriggers.length === 0) report(where, 'no kafka trigger');
    for (const t of kafkaTriggers) {
      const md = t.metadata;
      const group = md.consumerGroup;
      const consumer = consumers.find((c) => `${prefix}${c.groupId}` === group);
      if (!group) report(where, 'kafka trigger without consumerGroup');
      else if (!consumer) report(where, `consumer group "${group}" is not one ${target.name} uses (with KAFKA_GROUP_PREFIX "${prefix}": ${used.join(', ') || 'none'})`);
      if (!md.topic) report(where, 'kafka trigger without topic');
      else {
        if (consumer && !consumer.topics.includes(md.topic)) report(where, `topic ${md.topic} is not one group ${group} consumes (${consumer.topics.join(', ')})`);
        const spec = facts.topics.find((x) => x.name === md.topic);
        if (!spec) report(where, `topic ${md.topic} is not in the topic manifest`);
        else if (max > spec.partitions) report(where, `maxReplicaCount ${max} exceeds the ${spec.partitions} partitions of ${md.topic}: extra replicas would get no partition`);
      }
      if (md.bootstrapServersFromEnv) {
        if (!target.env.has(md.bootstrapServersFromEnv)) report(where, `bootstrapServersFromEnv ${md.bootstrapServersFromEnv} is not set on ${target.name}`);
      } else if (md.bootstrapServers !== target.literals.KAFKA_BROKERS) {
        report(where, `bootstrapServers ${String(md.bootstrapServers)} is not ${target.name}'s KAFKA_BROKERS (${target.literals.KAFKA_BROKERS})`);
      }
      const reset = md.offsetResetPolicy ?? 'latest';
      if (consumer && reset !== (consumer.fromBeginning ? 'earliest' : 'latest')) {
        report(where, `offsetResetPolicy ${reset}: the consumer starts from the ${consumer.fromBeginning ? 'earliest' : 'latest'} offset`);
      }
    }
    for (const name of used) {
      if (!kafkaTriggers.some((t) => t.metadata.consumerGroup === name)) report(where, `${target.name} also consumes as group ${name}, which no trigger watches`);
    }
  }

  // --- Jobs that run before the services ------------------------------------------------------
  const jobRunning = (js: string) => jobs.filter((j) => j.spec?.template.spec?.containers.some((c) => commandArgs(c).includes(js)));
  for (const [js, what] of [
    [MIGRATE_JS, 'migrations'],
    [PROVISION_JS, 'topic provisioning'],
  ] as const) {
    if (jobRunning(js).length !== 1) report('Jobs', `expected one Job running ${js} (${what}), found ${jobRunning(js).length}`);
  }
  for (const j of jobs) {
    const where = `Job/${meta(j)}`;
    const pod = j.spec?.template.spec;
    if (!pod) continue;
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      checkContainerBasics(where, pod, c);
      const env = resolveEnv(`${where} container ${c.name}`, c);
      const args = commandArgs(c);
      if (args.includes(MIGRATE_JS) && !env.has('DATABASE_URL')) report(where, 'DATABASE_URL is not set');
      if (args.includes(PROVISION_JS)) {
        if (!env.has('KAFKA_BROKERS')) report(where, 'KAFKA_BROKERS is not set');
        const rf = Number(env.get('KAFKA_REPLICATION_FACTOR')?.value ?? 1);
        if (rf !== expect.replicationFactor) report(where, `KAFKA_REPLICATION_FACTOR is ${rf}, expected ${expect.replicationFactor}`);
      }
    }
  }

  // --- ServiceMonitor ------------------------------------------------------------------------
  if (expect.monitoring && serviceMonitors.length === 0) report('ServiceMonitor', 'none: the services are not scraped');
  for (const sm of serviceMonitors) {
    const where = `ServiceMonitor/${meta(sm)}`;
    const scraped = services.filter((s) => selects(sm.spec.selector, s.metadata?.labels ?? {}));
    for (const w of workloads) {
      const svc = services.find((s) => serviceSelects(s, w.podLabels));
      if (svc && !scraped.includes(svc)) report(where, `does not select Service/${meta(svc)}`);
    }
    for (const ep of sm.spec.endpoints ?? []) {
      if ((ep.path ?? '/metrics') !== facts.healthPaths.metrics) report(where, `path ${ep.path} is not ${facts.healthPaths.metrics}`);
      for (const s of scraped) if (!s.spec?.ports?.some((p) => p.name === ep.port)) report(where, `Service/${meta(s)} has no port named ${ep.port}`);
    }
  }

  // --- NetworkPolicies: the internal services only from inside the namespace -----------------
  const denyAll = policies.some(
    (p) => selects(p.spec?.podSelector, {}) && (p.spec?.policyTypes ?? ['Ingress']).includes('Ingress') && (p.spec?.ingress ?? []).length === 0,
  );
  if (!denyAll) report('NetworkPolicy', 'no default deny of ingress (a policy selecting every pod, with no ingress rule)');
  const isPrometheusPeer = (peer: { podSelector?: ILabelSelector }) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus';
  for (const w of workloads.filter((x) => INTERNAL_ONLY_SERVICES.has(x.service))) {
    for (const p of policies.filter((x) => selects(x.spec?.podSelector, w.podLabels))) {
      for (const rule of p.spec?.ingress ?? []) {
        const where = `NetworkPolicy/${meta(p)}`;
        if (!rule.from || rule.from.length === 0) {
          report(where, `lets any source reach ${w.name}, whose API is internal`);
          continue;
        }
        for (const peer of rule.from) {
          if (peer.ipBlock) report(where, `lets ${peer.ipBlock.cidr} reach ${w.name}, whose API is internal`);
          else if (peer.namespaceSelector) {
            const scrapeOnly = isPrometheusPeer(peer) && (rule.ports ?? []).length > 0 && rule.ports!.every((port) => resolvePort(w.container, port.port) === w.httpPort);
            if (!scrapeOnly) report(where, `lets pods of other namespaces reach ${w.name}, whose API is internal`);
          }
        }
      }
    }
  }

  // --- Ingress: existing backends, never /internal ---------------------------------------------
  for (const ing of ingresses) {
    const where = `Ingress/${meta(ing)}`;
    for (const rule of ing.spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const backend = path.backend.service;
        const svc = backend && services.find((s) => meta(s) === backend.name);
        if (!backend || !svc) report(where, `path ${path.path}: no Service ${backend?.name}`);
        else if (!svc.spec?.ports?.some((p) => (backend.port?.name ? p.name === backend.port.name : p.port === backend.port?.number))) {
          report(where, `path ${path.path}: Service ${backend.name} has no port ${backend.port?.name ?? backend.port?.number}`);
        }
        const p = path.path ?? '/';
        const reachesInternal = p.startsWith('/internal') || (path.pathType !== 'Exact' && '/internal/'.startsWith(p.endsWith('/') ? p : `${p}/`));
        if (reachesInternal) report(where, `path ${p} (${path.pathType}) routes /internal/... to the outside`);
      }
    }
  }
  return problems;
}
