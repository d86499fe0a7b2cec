import { counter } from './metrics';
import { rootLogger } from './logger';

const unhandled = counter('process_unhandled_errors_total', 'Errors that reached the process level instead of a request, frame or record handler', ['kind']);

/**
 * The last line of defence. Every frame, request and record handler catches its own errors (one
 * can only fail itself), so reaching this is a bug, logged with its stack and counted in /metrics.
 * - An unhandled rejection leaves no half-done synchronous state behind: log, count, carry on, so
 *   one forgotten `catch` cannot end every user's session.
 * - An uncaught exception may have left state half-updated: log, count, then `onFatal` (a graceful
 *   shutdown with exit code 1: devices reconnect to another replica and replay from their cursor,
 *   Kafka hands the partitions to another member, the orchestrator restarts the process).
 */
export function installProcessGuards(onFatal: (reason: string) => void): void {
  process.on('unhandledRejection', (reason) => {
    unhandled.inc({ kind: 'unhandled_rejection' });
    rootLogger().error({ err: reason, context: 'Process' }, 'unhandled promise rejection (a bug: the process carries on)');
  });
  process.on('uncaughtException', (err, origin) => {
    unhandled.inc({ kind: 'uncaught_exception' });
    rootLogger().fatal({ err, origin, context: 'Process' }, 'uncaught exception (a bug): shutting down');
    onFatal('uncaughtException');
  });
}
