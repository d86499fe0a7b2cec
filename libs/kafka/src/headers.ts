import { randomUUID } from 'node:crypto';
import type { IHeaders } from 'kafkajs';

export const Headers = {
  traceId: 'x-trace-id',
  producedAt: 'x-produced-at',
  dlqError: 'x-dlq-error',
  dlqErrorClass: 'x-dlq-error-class',
  dlqSourceTopic: 'x-dlq-source-topic',
  dlqSourcePartition: 'x-dlq-source-partition',
  dlqSourceOffset: 'x-dlq-source-offset',
  dlqAttempts: 'x-dlq-attempts',
} as const;

export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined || value === null) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** Headers for an outgoing record: a trace id given by the caller travels on, otherwise a new one starts. */
export function outgoingHeaders(extra?: Record<string, string>): Record<string, string> {
  return {
    [Headers.traceId]: extra?.[Headers.traceId] ?? randomUUID(),
    [Headers.producedAt]: String(Date.now()),
    ...extra,
  };
}

/** The header that continues a record's trace on what a handler produces from it. */
export const traceHeader = (traceId: string | undefined): Record<string, string> | undefined =>
  traceId ? { [Headers.traceId]: traceId } : undefined;
