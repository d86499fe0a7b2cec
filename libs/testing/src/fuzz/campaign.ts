import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import fc from 'fast-check';
import { TestDevice } from '../test-device';
import { TestSystem } from '../test-system';
import { createApp, ManagementClient, type TestApp } from '../management-client';
import { ServerApiClient } from '../server-api-client';
import { sleep, uniqueId, waitFor } from '../wait';
import { Bystanders } from './bystanders';
import { describeFrame, frameCase, type FrameCase } from './frames';
import { authHeaders, renderRequest, sendRequest, type SigningApp } from './http-client';
import { judgeHttp, type HttpResult } from './http-oracle';
import type { RefName } from './json-node';
import { FailureCollector, type Finding, type FuzzSummary } from './report';
import { describeRequest, requestCase, type RequestCase } from './requests';
import { Supervisor } from './supervisor';
import { Lane, type LaneWorld } from './ws-lanes';

export interface FuzzOptions {
  /** fast-check seed; the same seed sends the same inputs. Default: random (printed). */
  seed?: number;
  /** Device frames to send (at least). */
  frames: number;
  /** HTTP requests to send (at least). */
  requests: number;
  /** Concurrent WebSocket lanes (each: one authenticated session plus pre-hello connections). */
  wsLanes?: number;
  httpLanes?: number;
  /** Largest batch (one fast-check run) of frames / requests. */
  batchFrames?: number;
  batchRequests?: number;
  /** Time fast-check may spend shrinking one failure class, and all of them. */
  shrinkMsPerClass?: number;
  shrinkMsTotal?: number;
  /** Progress lines (JSON) go here. */
  log?: (msg: string, extra?: Record<string, unknown>) => void;
  /** Where to write each service's log at the end (for a closer look at a failure). */
  logDir?: string;
}

/** Environment of every service the fuzz starts: quiet logs, everything else as in the tests. */
const FUZZ_ENV: Record<string, string> = { LOG_LEVEL: 'warn' };

interface BatchOutcome {
  sent: number;
  findings: Finding[];
}

/** Recent inputs (for bystander incidents: what was sent just before). */
interface Recent {
  at: number;
  label: string;
}

/**
 * The fuzz campaign: starts the services (real processes on the real Kafka and PostgreSQL), sends
 * seeded random device frames over many WebSocket connections and random HTTP requests to the
 * management API and the Server API, judges every answer against the documented protocol, watches
 * the processes, keeps bystander users sending valid messages throughout, and checks at the end that
 * a normal user still connects, sends and receives. Each batch of inputs is one fast-check run; a
 * batch that shows a failure class not seen before fails the property, fast-check shrinks it (within
 * a time budget; dead services are restarted for each try), and the campaign goes on with the rest.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const seed = options.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const log = options.log ?? (() => undefined);
  const wsLanes = options.wsLanes ?? 32;
  const httpLanes = options.httpLanes ?? 12;
  const started = Date.now();
  const collector = new FailureCollector();
  const recent: Recent[] = [];
  const remember = (label: string) => {
    recent.push({ at: Date.now(), label });
    if (recent.length > 4000) recent.splice(0, 2000);
  };
  let shrinkSpent = 0;
  const shrinkTotal = options.shrinkMsTotal ?? 90_000;
  const shrinkPerClass = options.shrinkMsPerClass ?? 30_000;
  log('fuzz starting', { seed, frames: options.frames, requests: options.requests });

  const system = await TestSystem.start({ gateways: 1, env: FUZZ_ENV });
  const supervisor = new Supervisor(system, FUZZ_ENV, log);
  const runId = uniqueId('fz');
  const api = system.apiUrl;
  let bystanders: Bystanders | undefined;
  let lanes: Lane[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: httpLanes + 4 });
  let frames = 0;
  let requests = 0;
  /** An answer with an error id: the error the service logged for it, appended. */
  const explain = (detail: string): string => {
    const id = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(detail)?.[0];
    if (!id) return detail;
    let fallback: string | undefined;
    for (const [key, p] of supervisor.processes) {
      for (const line of p.lines) {
        if (!line.includes(id) || !line.includes('"err"')) continue;
        try {
          const entry = JSON.parse(line) as { err?: { type?: string; message?: string; stack?: string } };
          const at = entry.err?.stack?.split('\n').find((l) => /\/(apps|libs)\//.test(l))?.trim() ?? '';
          const text = `${detail} [${key} logged ${entry.err?.type}: ${entry.err?.message?.slice(0, 300)} ${at.slice(0, 200)}]`;
          // A DomainError only relays another service's answer: look for the cause.
          if (entry.err?.type !== 'DomainError') return text;
          fallback ??= text;
        } catch {
          fallback ??= `${detail} [${key}: ${line.slice(0, 400)}]`;
        }
      }
    }
    if (fallback) return fallback;
    return detail;
  };

  try {
    // ---- the world the inputs refer to ---------------------------------------------------
    const wsApp = await createApp(api, 'fuzz-ws', { devicesPerPlatform: 10, webConnectionLimit: 50 });
    const httpApp = await createApp(api, 'fuzz-http');
    const settingsApp = await createApp(api, 'fuzz-settings');
    const byApp = await createApp(api, 'fuzz-bystanders');
    const otherApp = await createApp(api, 'fuzz-other');
    const world = await buildWsWorld(system, wsApp, otherApp, runId, wsLanes, () => `ws://127.0.0.1:${supervisor.gatewayPort()}/ws`);
    const ownUids = await Promise.all(world.users.map((u, i) => publish(api, wsApp, u, world.users[(i + 1) % world.users.length])));
    lanes = world.users.map((_, i) => new Lane(i, world, ownUids[i]));
    const http = await buildHttpWorld(api, httpApp, runId);

    bystanders = await Bystanders.start(system.wsUrl(), api, byApp, new ManagementClient(api, byApp), runId);
    bystanders.begin(50);

    // ---- the property, run batch by batch ------------------------------------------------
    const phase = async <T>(name: 'ws' | 'http', arb: fc.Arbitrary<T>, target: number, batchMax: number, execute: (batch: T[]) => Promise<BatchOutcome>, describe: (t: T) => string) => {
      let done = 0;
      for (let round = 0; done < target && !supervisor.broken; round++) {
        const roundSeed = (seed + round * 7919 + (name === 'http' ? 104_729 : 0)) | 0;
        let target_: string | undefined;
        let shrinkStarted = 0;
        let smallest: { batch: T[]; finding: Finding } | undefined;
        let shrinkRuns = 0;
        const budgetLeft = () => Math.min(shrinkPerClass - (Date.now() - shrinkStarted), shrinkTotal - shrinkSpent - (Date.now() - shrinkStarted));
        const property = fc.asyncProperty(fc.array(arb, { minLength: 1, maxLength: batchMax, size: 'max' }), async (batch) => {
          if (target_ === undefined) {
            if (done >= target || supervisor.broken) return true;
            let outcome: BatchOutcome;
            try {
              await supervisor.settled();
              outcome = await execute(batch);
            } catch (err) {
              collector.add({ cls: 'fuzz:error', detail: (err as Error).stack?.slice(0, 600) ?? String(err), input: '', label: 'fuzz' });
              return true;
            }
            done += outcome.sent;
            if (name === 'ws') frames += outcome.sent;
            else requests += outcome.sent;
            let fresh: Finding | undefined;
            for (const f of outcome.findings) if (collector.add(f) && !fresh) fresh = f;
            if (fresh?.suspects?.length && shrinkTotal - shrinkSpent > 1000) {
              // A service died: try each input sent just before, alone; the one that kills it again is the repro.
              const t0 = Date.now();
              const found = await isolate(fresh, fresh.suspects as T[], execute, () => shrinkTotal - shrinkSpent - (Date.now() - t0) > 0 && Date.now() - t0 < shrinkPerClass);
              shrinkSpent += Date.now() - t0;
              log(found ? 'isolated' : 'not isolated', { phase: name, class: fresh.cls, suspects: fresh.suspects.length, ms: Date.now() - t0 });
              if (found) {
                collector.setShrunk(fresh.cls, { repro: [describe(found.item)], detail: found.finding.detail, shrinkRuns: found.tries, fcSeed: roundSeed });
                return true;
              }
            }
            if (fresh && shrinkTotal - shrinkSpent > 1000) {
              target_ = fresh.cls;
              shrinkStarted = Date.now();
              smallest = { batch, finding: fresh };
              log('new failure class; shrinking', { phase: name, class: fresh.cls, detail: fresh.detail.slice(0, 300), input: fresh.input.slice(0, 300), batch: batch.length });
              return false;
            }
            if (fresh) log('new failure class', { phase: name, class: fresh.cls, detail: fresh.detail.slice(0, 300), input: fresh.input.slice(0, 300) });
            return true;
          }
          // Shrinking: does a smaller batch still show the class? (Give up, i.e. pass, once the budget is spent.)
          if (budgetLeft() <= 0 || supervisor.broken) return true;
          shrinkRuns++;
          let outcome: BatchOutcome;
          try {
            await supervisor.settled();
            outcome = await execute(batch);
          } catch {
            return true;
          }
          for (const f of outcome.findings) collector.add(f, false);
          const again = outcome.findings.find((f) => f.cls === target_ && !f.consequence);
          if (again && (!smallest || batch.length <= smallest.batch.length)) smallest = { batch, finding: again };
          return again === undefined;
        });
        const estimate = Math.ceil((target - done) / Math.max(1, batchMax / 2)) + 2;
        const result = await fc.check(property, { seed: roundSeed, numRuns: estimate });
        if (target_ !== undefined) {
          let shrunkBatch = (result.counterexample?.[0] as T[] | undefined) ?? smallest?.batch ?? [];
          // fast-check's array shrinker can stop at two elements; try each one alone (within the budget).
          if (shrunkBatch.length > 1 && shrunkBatch.length <= 8) {
            for (const one of shrunkBatch) {
              if (budgetLeft() <= 0 || supervisor.broken) break;
              await supervisor.settled().catch(() => undefined);
              shrinkRuns++;
              const outcome = await execute([one]).catch(() => undefined);
              const again = outcome?.findings.find((f) => f.cls === target_ && !f.consequence);
              if (again) {
                shrunkBatch = [one];
                smallest = { batch: [one], finding: again };
                break;
              }
            }
          }
          shrinkSpent += Date.now() - shrinkStarted;
          collector.setShrunk(target_, {
            repro: shrunkBatch.slice(0, 5).map(describe).concat(shrunkBatch.length > 5 ? [`... ${shrunkBatch.length - 5} more`] : []),
            detail: smallest?.finding.detail ?? '',
            shrinkRuns,
            fcSeed: roundSeed,
            fcPath: result.counterexamplePath ?? undefined,
          });
          log('shrunk', { class: target_, to: shrunkBatch.length, runs: shrinkRuns, ms: Date.now() - shrinkStarted });
          await supervisor.settled().catch(() => undefined);
        }
        log('progress', { phase: name, done, target, classes: collector.list.length, exits: supervisor.exits.length, ms: Date.now() - started });
      }
    };

    const executeFrames = async (batch: FrameCase[]): Promise<BatchOutcome> => {
      await supervisor.settled();
      const t0 = Date.now();
      const findings: Finding[] = [];
      await Promise.all(
        lanes.map(async (lane) => {
          for (let i = lane.index; i < batch.length; i += lanes.length) {
            const c = batch[i];
            remember(c.label);
            const r = await lane.run(c);
            for (const v of r.violations) findings.push({ cls: v.cls, detail: v.detail, input: describeFrame(c), label: c.label });
          }
        }),
      );
      await sleep(50); // a crash shows up as the process exiting a moment after the frame
      const sentLog = lanes.flatMap((l) => l.sentLog.splice(0).map(({ at, c }) => ({ at, item: c })));
      return { sent: batch.length, findings: withExits(findings, t0, sentLog, (c) => describeFrame(c)) };
    };

    /** Findings of a batch during which a service died: the exit (with the inputs sent just before it), the rest as its consequences. */
    const withExits = <T>(findings: Finding[], since: number, sentLog: { at: number; item: T }[], describe: (t: T) => string): Finding[] => {
      const exits = supervisor.exitsSince(since);
      if (exits.length === 0) return findings;
      return [
        ...exits.map((e) => {
          const suspects = sentLog.filter((x) => x.at >= e.at - 2_000 && x.at <= e.at + 20).sort((a, b) => b.at - a.at);
          return {
            cls: `exit:${e.service.split('#')[0]}:${Supervisor.crashSignature(e)}`,
            detail: Supervisor.crashSummary(e),
            input: suspects.length ? `one of: ${suspects.slice(0, 4).map((x) => describe(x.item)).join(' || ')}` : `one of ${sentLog.length} inputs of the batch`,
            label: 'exit',
            suspects: suspects.map((x) => x.item),
          };
        }),
        ...findings.map((f) => ({ ...f, consequence: true })),
      ];
    };

    await phase('ws', frameCase, options.frames, options.batchFrames ?? 160, executeFrames, (c) => describeFrame(c));
    for (const lane of lanes) lane.close();

    const executeRequests = async (batch: RequestCase[]): Promise<BatchOutcome> => {
      await supervisor.settled();
      const t0 = Date.now();
      const findings: Finding[] = [];
      const settingsCases = batch.filter((r) => r.app === 'settings');
      const others = batch.filter((r) => r.app !== 'settings');
      const sentLog: { at: number; item: RequestCase }[] = [];
      const one = async (r: RequestCase, index: number) => {
        remember(r.label);
        sentLog.push({ at: Date.now(), item: r });
        const signing = r.app === 'settings' ? settingsApp : httpApp;
        const rendered = renderRequest(r, signing, http.resolver(index));
        const result = await sendRequest(supervisor.apiPort, rendered, agent);
        for (const v of judgeHttp(r, result, routeOf(r), rendered.body?.subarray(0, 4096).toString('utf8'))) findings.push({ cls: v.cls, detail: v.detail, input: describeRequest(r), label: r.label });
        return { result, body: rendered.body?.toString('utf8') ?? '' };
      };
      await Promise.all([
        ...Array.from({ length: httpLanes }, async (_, lane) => {
          for (let i = lane; i < others.length; i += httpLanes) await one(others[i], i);
        }),
        (async () => {
          for (const r of settingsCases) {
            // Every field away from its default first, so a PATCH that resets what it does not name shows it.
            if (r.method === 'PATCH') await setSettingsBaseline(supervisor.apiPort, settingsApp, agent);
            const before = await getSettings(supervisor.apiPort, settingsApp, agent);
            const { result, body } = await one(r, 0);
            if (r.method !== 'PATCH' || result.status === undefined) continue;
            const after = await getSettings(supervisor.apiPort, settingsApp, agent);
            if (!before || !after) continue;
            findings.push(...checkSettingsPatch(r, body, result, before, after));
          }
        })(),
      ]);
      await sleep(50);
      return { sent: batch.length, findings: withExits(findings, t0, sentLog, (r) => describeRequest(r)) };
    };
    await phase('http', requestCase, options.requests, options.batchRequests ?? 64, executeRequests, (r) => describeRequest(r));

    // ---- afterwards: bystanders, a normal user, liveness ---------------------------------
    await supervisor.settled().catch(() => undefined);
    await bystanders.finish();
    for (const incident of bystanders.incidents) {
      const nearExit = supervisor.exits.some((e) => incident.at >= e.at - 2_000 && incident.at <= e.at + 30_000);
      const before = recent.filter((r) => r.at >= incident.at - 3_000 && r.at <= incident.at + 3_000).map((r) => r.label);
      const labels = [...new Set(before)].slice(0, 12).join(', ');
      collector.add({ cls: `bystander:${incident.what}`, detail: `${incident.detail} (inputs sent within 3 s: ${labels || 'none'})`, input: labels, label: 'bystander', consequence: nearExit });
    }
    for (const f of await postCheck(system, supervisor, byApp, runId)) collector.add(f);
    for (const e of supervisor.exits) {
      const cls = `exit:${e.service.split('#')[0]}:${Supervisor.crashSignature(e)}`;
      if (!collector.has(cls)) collector.add({ cls, detail: Supervisor.crashSummary(e), input: '(not during a batch)', label: 'exit' });
    }
    if (supervisor.broken) collector.add({ cls: 'fuzz:aborted', detail: supervisor.broken, input: '', label: 'fuzz' });
    if (frames < options.frames || requests < options.requests) {
      collector.add({ cls: 'fuzz:incomplete', detail: `sent ${frames}/${options.frames} frames, ${requests}/${options.requests} requests`, input: '', label: 'fuzz' });
    }
    // The services log an error a moment after they answer it: the error behind each answer is looked up last.
    await sleep(500);
    collector.explain(explain);
  } finally {
    if (options.logDir) {
      mkdirSync(options.logDir, { recursive: true });
      for (const [key, p] of supervisor.processes) writeFileSync(join(options.logDir, `${key.replace('#', '-')}.log`), `${p.lines.join('\n')}\n`);
      for (const e of supervisor.exits) writeFileSync(join(options.logDir, `${e.service.replace('#', '-')}-exit-${e.at}.log`), `${e.lastLines.join('\n')}\n`);
    }
    for (const lane of lanes) lane.close();
    await bystanders?.close();
    agent.destroy();
    await supervisor.stop();
    await system.stop();
  }
  return {
    seed,
    frames,
    requests,
    exits: supervisor.exits.length,
    http5xx: collector.http5xx,
    unanswered: collector.unanswered,
    failures: collector.list,
    consequences: collector.consequences,
    bystanders: { wsAccepted: bystanders?.wsAccepted ?? 0, httpAccepted: bystanders?.httpAccepted ?? 0, incidents: bystanders?.incidents.length ?? 0 },
    durationMs: Date.now() - started,
  };
}

/** Tries each suspect alone until one shows the finding's class again. */
async function isolate<T>(finding: Finding, suspects: T[], execute: (batch: T[]) => Promise<BatchOutcome>, budgetLeft: () => boolean): Promise<{ item: T; finding: Finding; tries: number } | undefined> {
  let tries = 0;
  for (const item of suspects.slice(0, 64)) {
    if (!budgetLeft()) return undefined;
    tries++;
    const outcome = await execute([item]).catch(() => undefined);
    const again = outcome?.findings.find((f) => f.cls === finding.cls && !f.consequence);
    if (again) return { item, finding: again, tries };
  }
  return undefined;
}

// ---- setup ----------------------------------------------------------------------------------

async function publish(api: string, app: TestApp, from: string, to: string): Promise<string> {
  const answer = await new ServerApiClient(api, app).call('message/private/publish', { fromUserId: from, toUserId: to, objectName: 'RC:TxtMsg', content: JSON.stringify({ content: 'seed' }) });
  const uid = (answer.body.messageUIDs as { messageUID: string }[] | undefined)?.[0]?.messageUID;
  if (!uid) throw new Error(`fuzz setup: publish failed: ${answer.status} ${answer.text.slice(0, 200)}`);
  return uid;
}

async function buildWsWorld(system: TestSystem, app: TestApp, otherApp: TestApp, runId: string, lanes: number, url: () => string): Promise<LaneWorld> {
  const api = system.apiUrl;
  const mgmt = new ManagementClient(api, app);
  const users = Array.from({ length: lanes }, (_, i) => `${runId}-a${i}`);
  const tokens = await Promise.all(users.map((u) => mgmt.token(u)));
  const preTokens = await Promise.all(users.map((_, i) => mgmt.token(`${runId}-p${i}`)));
  const group = `${runId}-g`;
  const groupNotMember = `${runId}-gx`;
  await mgmt.createGroup(group, users);
  await mgmt.createGroup(groupNotMember, [`${runId}-outsider`]);
  const otherUid = await publish(api, app, `${runId}-outsider`, users[0]);
  const otherAppToken = await new ManagementClient(api, otherApp).token(`${runId}-o`);
  const expiredToken = await mgmt.token(`${runId}-expired`, 1);
  const revokedToken = await mgmt.token(`${runId}-revoked`);
  await mgmt.revoke(revokedToken);
  const blockedToken = await mgmt.token(`${runId}-blocked`);
  await mgmt.block(`${runId}-blocked`, 60);
  await sleep(1_100); // the expired token expires
  return { url, users, tokens, preTokens, otherAppToken, expiredToken, revokedToken, blockedToken, group, groupNotMember, otherUid, runId, goodTokens: new Set([...preTokens, otherAppToken]) };
}

async function buildHttpWorld(api: string, app: TestApp, runId: string): Promise<{ resolver: (i: number) => (name: RefName) => string }> {
  const mgmt = new ManagementClient(api, app);
  const users = Array.from({ length: 5 }, (_, i) => `${runId}-h${i}`);
  const group = `${runId}-hg`;
  await mgmt.createGroup(group, users);
  const uid = await publish(api, app, users[0], users[1]);
  const token = await mgmt.token(users[2]);
  let fresh = 0;
  return {
    resolver: (i) => (name) => {
      switch (name) {
        case 'user':
        case 'self':
        case 'peer':
          return users[i % users.length];
        case 'group':
        case 'groupNotMember':
          return group;
        case 'uid':
        case 'ownUid':
        case 'otherUid':
          return uid;
        case 'appKey':
          return app.appKey;
        case 'fresh':
        case 'groupMissing':
          return `${runId}-r${++fresh}`;
        default:
          return token;
      }
    },
  };
}

// ---- settings: only the named fields change ---------------------------------------------------

/** Every setting away from its default (all named, so even a PATCH that resets unnamed fields keeps these). */
const SETTINGS_BASELINE = {
  multiDeviceSync: false,
  compensationDays: 3,
  retentionDays: 9,
  devicesPerPlatform: 3,
  webConnectionLimit: 7,
  transientMessageTypes: ['App:Baseline'],
  maxContentBytes: 4096,
  serverApiRatePerSecond: 777,
  strictSignature: true,
};

async function setSettingsBaseline(port: number, app: SigningApp, agent: Agent): Promise<void> {
  const body = Buffer.from(JSON.stringify(SETTINGS_BASELINE));
  await sendRequest(port, { method: 'PATCH', path: '/v1/settings', headers: { ...authHeaders('signed', app), 'content-type': 'application/json' }, body, transfer: 'length' }, agent);
}

async function getSettings(port: number, app: SigningApp, agent: Agent): Promise<Record<string, unknown> | undefined> {
  const res = await sendRequest(port, { method: 'GET', path: '/v1/settings', headers: authHeaders('signed', app), transfer: 'none' }, agent);
  try {
    return res.status === 200 ? (JSON.parse(res.body) as { settings: Record<string, unknown> }).settings : undefined;
  } catch {
    return undefined;
  }
}

/** The route a request was meant for, for failure details (`POST /v1/groups`, `POST /group/create.json`, `stray:GET /v2/x`). */
function routeOf(r: RequestCase): string {
  return r.label.split(':').slice(0, r.label.startsWith('stray') || r.label.startsWith('oversize') ? 2 : 1).join(':');
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * docs: "Only the named fields change; unknown fields and out-of-range values are refused and change
 * nothing." A PATCH that is accepted changes exactly its fields; one that is refused changes nothing.
 */
function checkSettingsPatch(r: RequestCase, body: string, result: HttpResult, before: Record<string, unknown>, after: Record<string, unknown>): Finding[] {
  const input = describeRequest(r);
  if (result.status === undefined) return [];
  if (result.status >= 400) {
    return same(before, after) ? [] : [{ cls: 'http:settings-refused-patch-changed-settings', detail: `${result.status} but settings went from ${JSON.stringify(before)} to ${JSON.stringify(after)}`, input, label: r.label }];
  }
  let patch: unknown;
  try {
    patch = JSON.parse(body);
  } catch {
    return [];
  }
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return [];
  const changedOthers = Object.keys(before).filter((k) => !(k in (patch as object)) && !same(before[k], after[k]));
  return changedOthers.length === 0
    ? []
    : [{ cls: 'http:settings-patch-changed-other-fields', detail: `PATCH ${body.slice(0, 120)} also changed ${changedOthers.map((k) => `${k}: ${JSON.stringify(before[k])} -> ${JSON.stringify(after[k])}`).join(', ')}`, input, label: r.label }];
}

// ---- afterwards ------------------------------------------------------------------------------

/** A normal user still connects, sends and receives (over the WebSocket and the Server API), and every service is alive. */
async function postCheck(system: TestSystem, supervisor: Supervisor, app: TestApp, runId: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const fail = (cls: string, detail: string) => findings.push({ cls, detail, input: '', label: 'postcheck' });
  for (const [key, p] of supervisor.processes) {
    const alive = await Promise.race([p.exited.then(() => false), sleep(10).then(() => true)]);
    const healthy = alive && (await fetch(`${p.url}/healthz`).then((r) => r.status === 200).catch(() => false));
    if (!healthy) fail('liveness', `${key} is ${alive ? 'not healthy' : 'dead'} after the fuzz`);
  }
  const mgmt = new ManagementClient(system.apiUrl, app);
  const [alice, bob] = [`${runId}-alice`, `${runId}-bob`];
  let a: TestDevice | undefined;
  let b: TestDevice | undefined;
  try {
    const url = `ws://127.0.0.1:${supervisor.gatewayPort()}/ws`;
    a = await TestDevice.connect({ url, token: await mgmt.token(alice), deviceId: 'phone', cursor: 0 });
    b = await TestDevice.connect({ url, token: await mgmt.token(bob), deviceId: 'phone', cursor: 0 });
    await a.send({ conversationType: 'private', targetId: bob, objectName: 'RC:TxtMsg', content: { content: 'after the fuzz' } });
    await b.send({ conversationType: 'private', targetId: alice, objectName: 'RC:TxtMsg', content: { content: 'still here' } });
    const answer = await new ServerApiClient(system.apiUrl, app).call('message/private/publish', { fromUserId: alice, toUserId: bob, objectName: 'RC:TxtMsg', content: '{"content":"via the Server API"}' });
    if (answer.status !== 200) fail('postcheck:server-api', `publish answered ${answer.status} ${answer.text.slice(0, 200)}`);
    await waitFor(() => b!.messages.length >= 2 && a!.messages.length >= 1, 'the messages sent after the fuzz', 20_000);
  } catch (err) {
    fail('postcheck:normal-user', `a normal user could not connect, send and receive after the fuzz: ${(err as Error).message.slice(0, 300)}`);
  } finally {
    await a?.close().catch(() => undefined);
    await b?.close().catch(() => undefined);
  }
  return findings;
}
