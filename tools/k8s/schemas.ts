import { z } from 'zod';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { K8sObject } from './render';

/** A kubernetes-models class: validates the object against the API's OpenAPI schema. */
type ModelClass = new (data: never) => { validate(): void };

/**
 * The schema of every kind deploy/k8s may contain, by `apiVersion/kind`. A kind not listed fails
 * validation: add its model here when a manifest starts using it.
 */
const models: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Strimzi's KafkaTopic (kafka.strimzi.io/v1beta2). No kubernetes-models package exists for Strimzi,
 * so its shape is checked here, strictly (unknown fields are errors), after the Strimzi CRD: the
 * operator only reconciles topics labelled with their Kafka cluster.
 */
export const kafkaTopicSchema = z.strictObject({
  apiVersion: z.literal('kafka.strimzi.io/v1beta2'),
  kind: z.literal('KafkaTopic'),
  metadata: z.strictObject({
    name: z.string().max(253).regex(dnsSubdomain, 'must be a DNS subdomain (lower case, digits, - and .)'),
    namespace: z.string().optional(),
    labels: z.object({ 'strimzi.io/cluster': z.string().min(1) }).catchall(z.string()),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: z.strictObject({
    topicName: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'Kafka topic names: letters, digits, . _ - (at most 249)').optional(),
    partitions: z.number().int().min(1),
    replicas: z.number().int().min(1).max(32767),
    config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  }),
});

/** Schema errors of one object (empty when valid). */
export function schemaErrors(obj: K8sObject): string[] {
  const where = `${obj.kind}/${obj.metadata?.name}`;
  if (obj.apiVersion === 'kafka.strimzi.io/v1beta2' && obj.kind === 'KafkaTopic') {
    const parsed = kafkaTopicSchema.safeParse(obj);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${where}: ${i.path.join('.')}: ${i.message}`);
  }
  const Model = models[`${obj.apiVersion}/${obj.kind}`];
  if (!Model) return [`${where}: no schema known for ${obj.apiVersion} ${obj.kind} (add its model to tools/k8s/schemas.ts)`];
  try {
    new Model(obj as never).validate();
    return [];
  } catch (err) {
    return [`${where}: ${(err as Error).message}`];
  }
}
