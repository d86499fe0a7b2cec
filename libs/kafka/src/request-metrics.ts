import type { Admin, Consumer, Producer, RequestEvent } from 'kafkajs';
import { counter } from '@msync/service-kit';

const requests = counter('kafka_client_requests_total', 'Requests this process sent to Kafka brokers, by client and API', ['client', 'api']);

type Kind = 'producer' | 'consumer' | 'admin';
type Listen = (event: string, listener: (e: RequestEvent) => void) => unknown;

/**
 * Counts every request a kafkajs client sends (its REQUEST instrumentation event). What a broker
 * spends is mostly per request, so this is the first thing to read when its CPU grows.
 */
export function countRequests(kind: Kind, client: Producer | Consumer | Admin): void {
  (client.on as Listen).call(client, client.events.REQUEST, (e) => requests.inc({ client: kind, api: e.payload.apiName }));
}
