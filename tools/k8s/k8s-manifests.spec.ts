import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { fullTopicManifest } from '@msync/contracts';
import { REPO_ROOT, readCodeFacts, type CodeFacts } from './code-facts';
import { checkManifests, type OverlayExpectations } from './manifest-checks';
import { kubectlStatus, renderKustomization, type K8sObject } from './render';
import { kafkaTopicSchema, schemaErrors } from './schemas';

/**
 * deploy/k8s against the code: every overlay renders with `kubectl kustomize`, every object validates
 * against its API schema (kubernetes-models; Strimzi KafkaTopic with a zod schema), and the manifests
 * agree with the services' config schemas, health routes, Kafka consumers and the topic manifest.
 */
const overlays: Record<string, OverlayExpectations> = {
  local: { minReplicas: 1, maxReplicas: 1, replicationFactor: 1, autoscaling: false, monitoring: false },
  production: { minReplicas: 2, replicationFactor: 3, autoscaling: true, monitoring: true },
};

const kubectl = kubectlStatus();
const inCi = !!process.env.CI;
if (!kubectl.ok && !inCi) {
  process.stderr.write(
    `\n!!! deploy/k8s render tests SKIPPED: ${kubectl.reason}.\n!!! Install kubectl (bash .ci/run does) to run them; in CI (CI=true) they fail instead.\n\n`,
  );
}
const describeRendered = kubectl.ok || inCi ? describe : describe.skip;

test('kubectl with a built-in Kustomize v5+ is installed (required in CI)', () => {
  if (!kubectl.ok && inCi) throw new Error(`${kubectl.reason}: .ci/run must install kubectl`);
});

let facts: CodeFacts;
const rendered: Record<string, K8sObject[]> = {};
const renderOf = (dir: string) => (rendered[dir] ??= renderKustomization(REPO_ROOT, dir));

beforeAll(async () => {
  facts = await readCodeFacts();
});

describeRendered('deploy/k8s renders, validates and agrees with the code', () => {
  describe.each(Object.entries(overlays))('overlay %s', (name, expectations) => {
    const dir = `deploy/k8s/overlays/${name}`;

    test('renders with kubectl kustomize', () => {
      const objects = renderOf(dir);
      expect(objects.filter((o) => o.kind === 'Deployment').length).toBeGreaterThanOrEqual(6);
    });

    test('every object validates against its schema', () => {
      expect(renderOf(dir).flatMap(schemaErrors)).toEqual([]);
    });

    test('agrees with the services, the Kafka consumers and the topic manifest', () => {
      expect(checkManifests(renderOf(dir), facts, expectations)).toEqual([]);
    });

    test('runs the two fan-out stages as separate Deployments', () => {
      const stages = renderOf(dir)
        .filter((o): o is K8sObject & IDeployment => o.kind === 'Deployment')
        .map((d) => [d.metadata!.name, d.spec!.template.spec!.containers[0].env?.find((e) => e.name === 'FANOUT_STAGES')?.value])
        .filter(([, stage]) => stage !== undefined);
      expect(Object.fromEntries(stages)).toEqual({ 'fanout-expand': 'expand', 'fanout-stream-writer': 'stream-writer' });
    });
  });

  test('the Strimzi KafkaTopics render, validate and carry the manifest with 3 replicas and min.insync.replicas=2', () => {
    const objects = renderOf('deploy/k8s/strimzi');
    expect(objects.flatMap(schemaErrors)).toEqual([]);
    const topics = objects.map((o) => kafkaTopicSchema.parse(o));
    expect(topics.map((t) => t.spec.topicName).sort()).toEqual(fullTopicManifest().map((t) => t.name).sort());
    for (const spec of fullTopicManifest()) {
      const t = topics.find((x) => x.spec.topicName === spec.name)!;
      expect(t.spec).toMatchObject({ partitions: spec.partitions, replicas: 3 });
      expect(t.spec.config).toEqual({ 'cleanup.policy': spec.cleanupPolicy, 'retention.ms': spec.retentionMs, 'min.insync.replicas': 2 });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The checks can fail: each doctored copy of the production render must be caught.

const deployment = (objs: K8sObject[], name: string) => objs.find((o) => o.kind === 'Deployment' && o.metadata.name === name) as unknown as IDeployment;
const main = (objs: K8sObject[], name: string) => deployment(objs, name).spec!.template.spec!.containers.find((c) => c.name === 'msync')!;
const scaledObject = (objs: K8sObject[], name: string) => objs.find((o) => o.kind === 'ScaledObject' && o.metadata.name === name) as unknown as IScaledObject;
const configMap = (objs: K8sObject[]) => objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('msync-env')) as unknown as IConfigMap;
function setEnv(c: IContainer, name: string, value: string | undefined) {
  c.env = (c.env ?? []).filter((e) => e.name !== name);
  if (value !== undefined) c.env.push({ name, value });
}

describeRendered('the checks catch a doctored manifest', () => {
  const cases: [string, (objs: K8sObject[]) => void, string][] = [
    ['a required variable left out', (o) => (main(o, 'ingestion').env = main(o, 'ingestion').env!.filter((e) => e.name !== 'ADMIN_TOKEN')), 'ADMIN_TOKEN is required by ingestion'],
    ['DATABASE_URL left out', (o) => (main(o, 'recall').env = main(o, 'recall').env!.filter((e) => e.name !== 'DATABASE_URL')), 'DATABASE_URL is required by recall'],
    ['a readiness path the service does not serve', (o) => (main(o, 'recall').readinessProbe!.httpGet!.path = '/ready'), 'readiness probe path /ready is not /readyz'],
    ['liveness on readiness (restarts on a broker outage)', (o) => (main(o, 'session').livenessProbe!.httpGet!.path = '/readyz'), 'liveness probe path /readyz is not /healthz'],
    ['a probe port that is not HTTP_PORT', (o) => (main(o, 'fanout-expand').livenessProbe!.httpGet!.port = 8080), 'liveness probe port 8080 is not HTTP_PORT 3002'],
    ['HTTP_PORT moved without the container port', (o) => setEnv(main(o, 'compensation'), 'HTTP_PORT', '4004'), 'no container port 4004 (HTTP_PORT)'],
    ['a KEDA consumer group the code does not use', (o) => (scaledObject(o, 'fanout-expand').spec.triggers[0].metadata.consumerGroup = 'fanout-expander'), 'consumer group "fanout-expander" is not one fanout-expand uses'],
    ['a KEDA topic the group does not consume', (o) => (scaledObject(o, 'fanout-stream-writer').spec.triggers[0].metadata.topic = 'im.user-events.v1'), 'topic im.user-events.v1 is not one group fanout-stream-writer consumes'],
    ['maxReplicaCount above the partition count', (o) => (scaledObject(o, 'fanout-expand').spec.maxReplicaCount = 7), 'maxReplicaCount 7 exceeds the 6 partitions of im.messages.v1'],
    ['a group prefix the triggers do not carry', (o) => (configMap(o).data!.KAFKA_GROUP_PREFIX = 'staging.'), 'consumer group "fanout-expand" is not one fanout-expand uses (with KAFKA_GROUP_PREFIX "staging.": staging.fanout-expand)'],
    ['the stages of the two Deployments swapped', (o) => setEnv(main(o, 'fanout-expand'), 'FANOUT_STAGES', 'stream-writer'), 'consumer group "fanout-expand" is not one fanout-expand uses'],
    ['a stage name the service refuses', (o) => setEnv(main(o, 'fanout-expand'), 'FANOUT_STAGES', 'expand,fan-out'), 'FANOUT_STAGES="expand,fan-out"'],
    ['a variable no service reads (typo)', (o) => setEnv(main(o, 'fanout-expand'), 'FANOUT_STAGE', 'expand'), 'FANOUT_STAGE is set but fanout does not read it'],
    ['a secret inlined', (o) => setEnv(main(o, 'recall'), 'DATABASE_URL', 'postgres://u:p@db/msync'), 'DATABASE_URL is a secret'],
    ['one GATEWAY_ID for every gateway replica', (o) => setEnv(main(o, 'session'), 'GATEWAY_ID', 'gw-1'), 'GATEWAY_ID names the replica'],
    ['a grace period shorter than the shutdown', (o) => (deployment(o, 'ingestion').spec!.template.spec!.terminationGracePeriodSeconds = 15), 'terminationGracePeriodSeconds (15) must exceed'],
    ['a writable root filesystem', (o) => (main(o, 'recall').securityContext!.readOnlyRootFilesystem = false), 'readOnlyRootFilesystem is not true'],
    ['no memory limit', (o) => delete main(o, 'recall').resources!.limits!.memory, 'no limits.memory'],
    ['services provisioning topics themselves', (o) => (configMap(o).data!.KAFKA_PROVISION_TOPICS = 'true'), 'KAFKA_PROVISION_TOPICS must be "false"'],
    ['replication factor 1 in production', (o) => (configMap(o).data!.KAFKA_REPLICATION_FACTOR = '1'), 'KAFKA_REPLICATION_FACTOR is 1, expected 3'],
    ['a replica count on an autoscaled Deployment', (o) => (deployment(o, 'fanout-stream-writer').spec!.replicas = 2), 'spec.replicas is set although an autoscaler owns the count'],
    ['a URL to a Service that does not exist', (o) => setEnv(main(o, 'session'), 'COMPENSATION_URL', 'http://compensations:3004'), 'COMPENSATION_URL=http://compensations:3004: no Service compensations'],
    ['the migration Job gone', (o) => o.splice(o.findIndex((x) => x.kind === 'Job' && x.metadata.name === 'msync-migrate'), 1), 'expected one Job running dist/libs/persistence/src/migrate.cli.js'],
    [
      'compensation opened to other namespaces',
      (o) => (o.find((x) => x.metadata.name === 'allow-from-same-namespace') as unknown as INetworkPolicy).spec!.ingress![0].from!.push({ namespaceSelector: {} }),
      'lets pods of other namespaces reach compensation',
    ],
    ['the default deny gone', (o) => o.splice(o.findIndex((x) => x.metadata.name === 'default-deny-ingress'), 1), 'NetworkPolicy: no default deny of ingress'],
    ['an Ingress routing everything', (o) => ((o.find((x) => x.metadata.name === 'msync-api') as unknown as IIngress).spec!.rules![0].http!.paths[0].path = '/'), 'path / (Prefix) routes /internal/...'],
  ];

  test.each(cases)('%s', (_what, doctor, expected) => {
    const objects = structuredClone(renderOf('deploy/k8s/overlays/production'));
    expect(checkManifests(objects, facts, overlays.production)).toEqual([]);
    doctor(objects);
    expect(checkManifests(objects, facts, overlays.production)).toContainEqual(expect.stringContaining(expected));
  });

  test('a group prefix set in both the Deployment and the triggers passes', () => {
    const objects = structuredClone(renderOf('deploy/k8s/overlays/production'));
    configMap(objects).data!.KAFKA_GROUP_PREFIX = 'staging.';
    for (const name of ['fanout-expand', 'fanout-stream-writer']) scaledObject(objects, name).spec.triggers[0].metadata.consumerGroup = `staging.${name}`;
    expect(checkManifests(objects, facts, overlays.production)).toEqual([]);
  });

  test('one replica in production is caught, and autoscaling in the local overlay', () => {
    const prod = structuredClone(renderOf('deploy/k8s/overlays/production'));
    deployment(prod, 'recall').spec!.replicas = 1;
    expect(checkManifests(prod, facts, overlays.production)).toContainEqual('Deployment/recall: 1 replica(s), expected at least 2');
    const local = [...structuredClone(renderOf('deploy/k8s/overlays/local')), ...structuredClone(renderOf('deploy/k8s/overlays/production')).filter((o) => o.kind === 'ScaledObject')];
    expect(checkManifests(local, facts, overlays.local)).toContainEqual(expect.stringContaining('autoscaled, but this overlay has no autoscaling'));
  });

  test('schema validation rejects an object that does not fit its API schema', () => {
    const objects = structuredClone(renderOf('deploy/k8s/overlays/production'));
    (main(objects, 'recall').ports![0] as { containerPort: unknown }).containerPort = 'http';
    (scaledObject(objects, 'fanout-expand').spec.triggers[0].metadata as Record<string, unknown>).lagThreshold = 500;
    const errors = objects.flatMap(schemaErrors);
    expect(errors).toContainEqual(expect.stringMatching(/^Deployment\/recall: .*containerPort must be integer/));
    expect(errors).toContainEqual(expect.stringMatching(/^ScaledObject\/fanout-expand: .*lagThreshold must be string/));
  });

  test('a KafkaTopic of the wrong shape, and a kind with no known schema, are rejected', () => {
    const topic = structuredClone(renderOf('deploy/k8s/strimzi')[0]) as K8sObject & { spec: Record<string, unknown> };
    topic.spec.partition = topic.spec.partitions;
    delete topic.spec.partitions;
    expect(schemaErrors(topic).join('\n')).toMatch(/partitions|partition/);
    expect(schemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'Widget/w: no schema known for example.com/v1 Widget (add its model to tools/k8s/schemas.ts)',
    ]);
  });
});
