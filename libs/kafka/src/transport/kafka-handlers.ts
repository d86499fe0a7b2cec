import type { Type } from '@nestjs/common';
import { PATTERN_EXTRAS_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { kafkaConsumerOptionsOf, type KafkaConsumerOptions } from './kafka-consumer.options';

export interface KafkaHandlerFact {
  controller: string;
  method: string;
  topic: string;
  options: KafkaConsumerOptions;
}

/**
 * The Kafka handlers a controller declares, read from its `@EventPattern` metadata without starting
 * anything (for the deployment checks: KEDA triggers must name groups and topics the code consumes).
 */
export function kafkaHandlersOf(controller: Type): KafkaHandlerFact[] {
  const proto = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto).flatMap((method) => {
    const fn = proto[method];
    if (typeof fn !== 'function') return [];
    const patterns = Reflect.getMetadata(PATTERN_METADATA, fn) as unknown[] | undefined;
    const options = kafkaConsumerOptionsOf(Reflect.getMetadata(PATTERN_EXTRAS_METADATA, fn) as Record<string, unknown> | undefined);
    if (!patterns || !options) return [];
    return patterns.map((topic) => ({ controller: controller.name, method, topic: String(topic), options }));
  });
}
