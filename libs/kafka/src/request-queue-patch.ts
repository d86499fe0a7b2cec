import { createHash } from 'node:crypto';

/**
 * kafkajs 2.2.4's per-connection request queue re-arms a timer for ever when nothing is pending:
 * `scheduleCheckPendingRequests` computes `throttledUntil - Date.now()` (negative when not
 * throttled), and with no pending request keeps that as the delay, so `setTimeout(..., <0)` fires
 * after 1 ms, calls `checkPendingRequests`, which schedules again. Every broker connection of every
 * process wakes its event loop about 1,000 times a second with nothing to do (kafkajs issues 1556
 * and 1704; the fix of PR 1667 is not released).
 *
 * The replacement below schedules a check only while a request is pending, exactly as the original
 * does then: at the end of a client-side throttle, or 10 ms later when the queue is only full of
 * in-flight requests (a fulfilled request checks the queue anyway). A pushed request that has to
 * wait calls it again, so nothing pending is left without a check.
 *
 * KAFKAJS_REQUEST_QUEUE_PATCH=off leaves kafkajs as shipped (for before/after measurements).
 *
 * The override is applied only to the version known to have the bug, and only when the method's
 * source is the one read here; otherwise kafkajs is left alone and the reason is reported.
 * `request-queue-patch.spec.ts` fails when the guard stops matching (a version bump): then check
 * whether the new version fixed it (drop this file) or re-read its source (update the guard).
 */
export const PATCHED_KAFKAJS_VERSION = '2.2.4';
/** sha256 of the original method's source, whitespace collapsed. */
export const EXPECTED_SOURCE_SHA256 = '7d92229d975481c50c33830972775551ab7615722e68b4f520c45587f847ee49';
const CHECK_PENDING_REQUESTS_INTERVAL = 10; // ms, as in kafkajs

export type RequestQueuePatchStatus =
  | { applied: true; version: string }
  | { applied: false; version: string | undefined; reason: string };

interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

interface RequestQueueClass {
  prototype: RequestQueueLike;
}

const MARK = Symbol.for('msync.kafkajs.requestQueueIdleTimerPatch');

function sourceHash(fn: () => void): string {
  return createHash('sha256').update(fn.toString().replace(/\s+/g, ' ')).digest('hex');
}

function scheduleCheckPendingRequests(this: RequestQueueLike): void {
  if (this.pending.length === 0 || this.throttleCheckTimeoutId) return;
  const throttledFor = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledFor > 0 ? throttledFor : CHECK_PENDING_REQUESTS_INTERVAL,
  );
}
(scheduleCheckPendingRequests as unknown as Record<symbol, boolean>)[MARK] = true;

let status: RequestQueuePatchStatus | undefined;
let original: (() => void) | undefined;

/** kafkajs' RequestQueue class (an internal module: kafkajs has no exports map, so it resolves). */
export function requestQueueClass(): RequestQueueClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('kafkajs/src/network/requestQueue') as RequestQueueClass;
}

export function installedKafkajsVersion(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('kafkajs/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** Applies the override once (idempotent); the answer says whether it was applied and, if not, why. */
export function patchKafkajsRequestQueue(): RequestQueuePatchStatus {
  if (status) return status;
  const version = installedKafkajsVersion();
  if (process.env.KAFKAJS_REQUEST_QUEUE_PATCH === 'off') {
    status = { applied: false, version, reason: 'KAFKAJS_REQUEST_QUEUE_PATCH=off' };
    return status;
  }
  try {
    const proto = requestQueueClass().prototype;
    const current = proto.scheduleCheckPendingRequests;
    if ((current as unknown as Record<symbol, boolean>)[MARK]) {
      status = { applied: true, version: version ?? 'unknown' };
    } else if (version !== PATCHED_KAFKAJS_VERSION) {
      status = { applied: false, version, reason: `kafkajs ${version} is not ${PATCHED_KAFKAJS_VERSION}: RequestQueue left as it is` };
    } else if (typeof current !== 'function' || sourceHash(current) !== EXPECTED_SOURCE_SHA256) {
      status = { applied: false, version, reason: 'RequestQueue.scheduleCheckPendingRequests is not the source this override replaces' };
    } else {
      original = current;
      proto.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
      status = { applied: true, version };
    }
  } catch (err) {
    status = { applied: false, version, reason: `kafkajs RequestQueue not found: ${(err as Error).message}` };
  }
  return status;
}

/** Tests only: puts kafkajs' own method back (to show the wake-up count tells the two apart). */
export function unpatchKafkajsRequestQueueForTests(): void {
  if (original) requestQueueClass().prototype.scheduleCheckPendingRequests = original;
  original = undefined;
  status = undefined;
}
