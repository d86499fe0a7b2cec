import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { PATH_METADATA } from '@nestjs/common/constants';
import type { z } from 'zod';
import { fullTopicManifest, type TopicSpec } from '@msync/contracts';
import { kafkaHandlersOf } from '@msync/kafka';
import { HealthController } from '@msync/service-kit';
import { compensationConfigSchema } from '../../apps/compensation/src/config';
import { FANOUT_STAGE_NAMES, fanoutConfigSchema, type FanoutStage } from '../../apps/fanout/src/config';
import { fanoutStageControllers } from '../../apps/fanout/src/fanout.module';
import { ingestionConfigSchema } from '../../apps/ingestion/src/config';
import { recallConfigSchema } from '../../apps/recall/src/config';
import { sessionConfigSchema } from '../../apps/session/src/config';

/** The repository root (this file is tools/k8s/code-facts.ts, or dist/tools/k8s/code-facts.js). */
export const REPO_ROOT = resolve(__dirname, basename(resolve(__dirname, '../..')) === 'dist' ? '../../..' : '../..');

/** A Kafka consumer a process starts: its group (before KAFKA_GROUP_PREFIX) and topics. */
export interface ConsumerFact {
  groupId: string;
  topics: string[];
  fromBeginning: boolean;
}

/** What the manifests are checked against, all read from the code. */
export interface CodeFacts {
  /** Each service's environment schema, by the name in dist/apps/<name>/src/main.js. */
  serviceSchemas: Record<string, z.ZodObject>;
  /** Routes of the health controller every service mounts at the root of HTTP_PORT. */
  healthPaths: { liveness: string; readiness: string; metrics: string };
  /** Topics with their partition counts (the manifest plus dead-letter topics). */
  topics: readonly TopicSpec[];
  /** The consumers a process of `service` starts with this environment; undefined when not known. */
  consumersOf(service: string, env: Record<string, string>): ConsumerFact[] | undefined;
  /** Whether a file exists in the repository (for `dist/x.js` commands: `x.ts`). */
  sourceExists(path: string): boolean;
}

function routeOf(controller: object, handler: object): string {
  const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '/');
  const path = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
  return `/${[base, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
}

export function healthPaths(): CodeFacts['healthPaths'] {
  const proto = HealthController.prototype;
  return { liveness: routeOf(HealthController, proto.healthz), readiness: routeOf(HealthController, proto.readyz), metrics: routeOf(HealthController, proto.metrics) };
}

/**
 * The consumers a fan-out process with `stages` runs: the `@EventPattern` handlers of the controllers
 * FanoutModule registers for them (fanoutStageControllers, the module's own choice), read from their
 * metadata.
 */
export function fanoutStageConsumers(stages: readonly FanoutStage[]): ConsumerFact[] {
  return fanoutStageControllers(stages).flatMap((controller) =>
    kafkaHandlersOf(controller).map((h) => ({ groupId: h.options.group, topics: [h.topic], fromBeginning: h.options.fromBeginning ?? true })),
  );
}

/** Reads every fact from the code (the fan-out stages are started once each, with stubs). */
export async function readCodeFacts(): Promise<CodeFacts> {
  const perStage = new Map<FanoutStage, ConsumerFact[]>();
  for (const stage of FANOUT_STAGE_NAMES) perStage.set(stage, fanoutStageConsumers([stage]));
  return {
    serviceSchemas: {
      ingestion: ingestionConfigSchema,
      session: sessionConfigSchema,
      fanout: fanoutConfigSchema,
      recall: recallConfigSchema,
      compensation: compensationConfigSchema,
    },
    healthPaths: healthPaths(),
    topics: fullTopicManifest(),
    consumersOf(service, env) {
      if (service !== 'fanout') return undefined;
      const parsed = fanoutConfigSchema.shape.FANOUT_STAGES.safeParse(env.FANOUT_STAGES);
      if (!parsed.success) return [];
      return parsed.data.flatMap((stage) => perStage.get(stage) ?? []);
    },
    sourceExists: (path) => existsSync(resolve(REPO_ROOT, path)),
  };
}
