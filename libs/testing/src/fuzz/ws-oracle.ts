import { CLIENT_FRAME_TYPES, CloseCodes, ErrorCodes, MAX_FRAME_BYTES, clientFrameSchema, serverFrameSchema } from '@msync/contracts';
import type { FrameCase, RenderedFrame } from './frames';

/**
 * What docs/protocol.md promises for one device frame, worked out from the frame alone (the
 * contracts' own schemas decide whether it is valid), and the judgement of what the gateway did.
 *
 * Documented means: an `error` frame with a code of ErrorCodes (fatal exactly when the docs say so,
 * then a close), a close with a code of CloseCodes (1009 for a frame over 256 KiB, 1007 for a text
 * frame that is not UTF-8, which RFC 6455 prescribes), or the normal answer of a valid frame. An
 * `internal` or `unavailable` error is a failure here: every dependency is up during the fuzz.
 */

const DOCUMENTED_CODES = new Set<string>(Object.values(ErrorCodes));
const DOCUMENTED_CLOSES = new Set<number>([...Object.values(CloseCodes), 1009]);
/** Codes after which the server closes (docs/protocol.md, Errors). */
const FATAL_CODES = new Set<string>(['not_authenticated', 'token_invalid', 'token_expired', 'token_revoked', 'app_unknown', 'app_disabled', 'user_blocked']);
const AUTH_CODES = new Set<string>(['token_invalid', 'token_expired', 'token_revoked', 'app_unknown', 'app_disabled', 'user_blocked']);
/** Frame types that arrive on their own (stream delivery, kicks): never the answer to a frame. */
const UNSOLICITED = new Set(['event', 'own', 'transient', 'more', 'synced', 'skip', 'channels', 'kick']);
/** Frames nested deeper than this, or with NUL / lone surrogates, may be refused by any of the frame codes. */
const CLEAN_DEPTH = 16;

export type AnswerKind = 'error' | 'welcome' | 'welcome-or-auth-error' | 'pong' | 'none' | 'sent' | 'recalled' | 'close';

export interface Expectation {
  /** How the frame reads per the docs, e.g. `not-json`, `unknown-type`, `invalid:send`, `valid:ping`. */
  kind: string;
  answer: AnswerKind;
  /** Error codes that answer it correctly. */
  codes: ReadonlySet<string>;
  /** Close codes that answer it correctly (answer `close`). */
  closeCodes?: ReadonlySet<number>;
  /** The id its answer carries (valid send / recall / ping). */
  id?: string;
  /** A valid send or recall: answered later, by id. */
  async: boolean;
  /** The id is one a server echoes (no NUL or lone surrogate): an error answering the frame must carry it. */
  idEchoed?: boolean;
}

const set = <T>(...values: T[]) => new Set<T>(values);
const REFUSALS = set('malformed_frame', 'unknown_frame_type', 'invalid_field');
const SEND_REFUSALS = set('invalid_field', 'content_too_large', 'conversation_unknown', 'not_a_member', 'not_allowed', 'rate_limited');
const RECALL_REFUSALS = set('invalid_field', 'message_unknown', 'not_allowed', 'rate_limited');

/** Whether a parsed value holds a NUL, a lone surrogate, or nesting deeper than CLEAN_DEPTH (checked without recursion). */
export function isCleanValue(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  const unsafe = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (unsafe.test(v)) return false;
    } else if (v !== null && typeof v === 'object') {
      if (depth >= CLEAN_DEPTH) return false;
      if (Array.isArray(v)) for (const item of v) stack.push([item, depth + 1]);
      else
        for (const [k, item] of Object.entries(v)) {
          if (unsafe.test(k)) return false;
          stack.push([item, depth + 1]);
        }
    }
  }
  return true;
}

export interface ExpectContext {
  /** Tokens that must be welcomed (valid, not expired or revoked). */
  goodTokens: ReadonlySet<string>;
}

export function expectationOf(c: FrameCase, frame: RenderedFrame, ctx: ExpectContext): Expectation {
  const e = expectationOfFrame(c, frame, ctx);
  return c.where === 'prehello' ? { ...e, kind: `pre-hello ${e.kind}` } : e;
}

function expectationOfFrame(c: FrameCase, frame: RenderedFrame, ctx: ExpectContext): Expectation {
  const pre = c.where === 'prehello';
  const withAuth = (codes: Set<string>) => (pre ? new Set([...codes, 'not_authenticated']) : codes);
  if (frame.size > MAX_FRAME_BYTES) return { kind: 'oversize', answer: 'close', codes: set('frame_too_large'), closeCodes: set(1009), async: false };
  if (c.payload.k === 'badUtf8') return { kind: 'bad-utf8', answer: 'close', codes: set('malformed_frame'), closeCodes: set(1007), async: false };
  if (frame.binary) return { kind: 'binary', answer: 'error', codes: withAuth(set('malformed_frame')), async: false };
  let value: unknown;
  try {
    value = JSON.parse(frame.data as string);
  } catch {
    return { kind: 'not-json', answer: 'error', codes: withAuth(set('malformed_frame')), async: false };
  }
  const clean = isCleanValue(value);
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  const t = isObject ? (value as { t?: unknown }).t : undefined;
  const known = typeof t === 'string' && (CLIENT_FRAME_TYPES as readonly string[]).includes(t);
  const parsed = clientFrameSchema.safeParse(value);
  if (!clean) {
    // Refused by whichever check comes first (depth, text, type, schema), or accepted if the schema allows it.
    const codes = withAuth(new Set([...REFUSALS, ...(pre && t === 'hello' ? AUTH_CODES : []), ...(parsed.success && t === 'send' ? SEND_REFUSALS : [])]));
    if (parsed.success && !pre) return validAnswer(parsed.data, codes);
    if (parsed.success && pre && parsed.data.t === 'hello') return { kind: 'unclean:hello', answer: 'welcome-or-auth-error', codes, async: false };
    return { kind: `unclean:${known ? t : 'frame'}`, answer: 'error', codes, async: false };
  }
  if (!isObject) return { kind: 'non-object', answer: 'error', codes: pre ? set('not_authenticated', 'malformed_frame') : set('malformed_frame', 'unknown_frame_type'), async: false };
  if (!known) return { kind: 'unknown-type', answer: 'error', codes: pre ? set('not_authenticated') : set('unknown_frame_type'), async: false };
  if (!parsed.success) {
    if (pre) return { kind: `invalid:${t}`, answer: 'error', codes: t === 'hello' ? set('invalid_field') : set('not_authenticated', 'invalid_field'), async: false };
    return { kind: `invalid:${t}`, answer: 'error', codes: t === 'hello' ? set('invalid_field', 'already_authenticated') : set('invalid_field'), async: false };
  }
  const f = parsed.data;
  if (pre) {
    if (f.t !== 'hello') return { kind: `valid:${f.t}`, answer: 'error', codes: set('not_authenticated'), async: false };
    return { kind: 'valid:hello', answer: ctx.goodTokens.has(f.token) ? 'welcome' : 'welcome-or-auth-error', codes: AUTH_CODES, async: false };
  }
  return validAnswer(f, new Set());
}

function validAnswer(f: ReturnType<typeof clientFrameSchema.parse>, extra: Set<string>): Expectation {
  const kind = `valid:${f.t}`;
  switch (f.t) {
    case 'hello':
      return { kind, answer: 'error', codes: set('already_authenticated', ...extra), async: false };
    case 'send':
      return { kind, answer: 'sent', codes: new Set([...SEND_REFUSALS, ...extra]), id: f.id, async: true, idEchoed: isCleanValue(f.id) };
    case 'recall':
      return { kind, answer: 'recalled', codes: new Set([...RECALL_REFUSALS, ...extra]), id: f.id, async: true, idEchoed: isCleanValue(f.id) };
    case 'ping':
      return { kind, answer: 'pong', codes: extra, id: f.id, async: false };
    case 'ack':
    case 'next':
      return { kind, answer: 'none', codes: extra, async: false };
  }
}

/** One server frame as received. */
export interface Received {
  text: string;
  frame?: { t?: unknown; id?: unknown; code?: unknown; fatal?: unknown } & Record<string, unknown>;
  /** Why it is not a documented server frame, if it is not. */
  invalid?: string;
}

export function parseServerFrame(text: string): Received {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { text, invalid: 'not JSON' };
  }
  const parsed = serverFrameSchema.safeParse(value);
  const frame = value !== null && typeof value === 'object' ? (value as Received['frame']) : undefined;
  if (!parsed.success) return { text, frame, invalid: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 200) };
  return { text, frame };
}

/** What happened after the frame went out, until its answer, a close, or the deadline. */
export interface Observation {
  received: Received[];
  close?: { code: number; reason: string };
  /** The barrier ping sent after the frame was answered (authenticated sessions only). */
  barrier: 'seen' | 'missing' | 'not-sent';
  timedOut: boolean;
}

export interface Violation {
  /** Failure class: what kind of defect, without the frame-specific details. */
  cls: string;
  detail: string;
}

/** The violations of one frame's observation against its expectation (empty: answered as documented). */
export function judgeFrame(exp: Expectation, obs: Observation, barrierId?: string): Violation[] {
  const out: Violation[] = [];
  const v = (cls: string, detail: string) => out.push({ cls, detail });
  for (const r of obs.received) if (r.invalid) v('ws:undocumented-server-frame', `${r.invalid}: ${r.text.slice(0, 160)}`);
  const answers = obs.received.filter((r) => r.frame && !UNSOLICITED.has(String(r.frame.t)) && !(r.frame.t === 'pong' && barrierId !== undefined && r.frame.id === barrierId));
  const errors = answers.filter((r) => r.frame!.t === 'error');
  const close = obs.close;
  const kicked = obs.received.some((r) => r.frame?.t === 'kick');

  for (const e of errors) {
    const code = String(e.frame!.code);
    const fatal = e.frame!.fatal === true;
    if (!DOCUMENTED_CODES.has(code)) v('ws:undocumented-error-code', `code ${code}`);
    else if (code === 'internal' || code === 'unavailable') v(`ws:error-${code}:${exp.kind}`, `${exp.kind} answered ${e.text.slice(0, 200)}`);
    else if (!exp.codes.has(code)) v(`ws:wrong-error-code:${exp.kind}`, `${exp.kind} expects ${[...exp.codes].join('|') || 'no error'}, got ${code}`);
    const duringHello = exp.answer === 'welcome' || exp.answer === 'welcome-or-auth-error' || exp.kind.startsWith('pre-hello');
    const shouldBeFatal = FATAL_CODES.has(code) || (duringHello && (code === 'internal' || code === 'unavailable'));
    if (DOCUMENTED_CODES.has(code) && fatal !== shouldBeFatal) v(`ws:fatal-flag-wrong:${code}`, `${exp.kind}: ${code} came with fatal=${fatal}`);
    if (fatal && !close) v('ws:fatal-error-not-closed', `${code} fatal but the connection stayed open`);
    if (fatal && close && close.code !== CloseCodes.AUTH_FAILED && close.code !== CloseCodes.PROTOCOL_ERROR) v('ws:fatal-error-wrong-close', `${code} then close ${close.code}`);
    if (!fatal && close && !kicked && close.code !== 1009 && close.code !== CloseCodes.HELLO_TIMEOUT && close.code !== CloseCodes.GOING_AWAY) v('ws:nonfatal-error-closed', `${code} (not fatal) then close ${close.code}`);
  }
  if (close && !DOCUMENTED_CLOSES.has(close.code) && !(exp.closeCodes?.has(close.code) ?? false)) {
    v(`ws:undocumented-close:${close.code}`, `${exp.kind} then close ${close.code} ${JSON.stringify(close.reason.slice(0, 60))}`);
  }

  const byId = (t: string) => answers.find((r) => r.frame!.t === t && (exp.id === undefined || r.frame!.id === exp.id));
  const errorForId = errors.find((e) => exp.id === undefined || e.frame!.id === exp.id || (!exp.idEchoed && e.frame!.id === undefined));
  const closedDocumented = close !== undefined && (DOCUMENTED_CLOSES.has(close.code) || exp.closeCodes?.has(close.code));
  switch (exp.answer) {
    case 'close':
      if (!close && errors.length === 0) v(`ws:unanswered:${exp.kind}`, `${exp.kind}: neither closed (${[...exp.closeCodes!].join('|')}) nor refused${obs.barrier === 'seen' ? ' (the next frame was answered: it was accepted)' : ''}`);
      else if (close && !exp.closeCodes!.has(close.code) && DOCUMENTED_CLOSES.has(close.code) && close.code !== CloseCodes.GOING_AWAY && !kicked) {
        v('ws:wrong-close', `${exp.kind} expects close ${[...exp.closeCodes!].join('|')}, got ${close.code}`);
      }
      break;
    case 'error':
      if (errors.length === 0 && !closedDocumented) v(`ws:unanswered:${exp.kind}`, `${exp.kind}: no error frame${obs.timedOut ? ' before the deadline' : ''}`);
      else if (errors.length === 0 && close && !kicked && close.code !== CloseCodes.HELLO_TIMEOUT && close.code !== CloseCodes.GOING_AWAY && close.code !== 1009) {
        v('ws:closed-without-error', `${exp.kind}: closed ${close.code} without the error frame`);
      }
      break;
    case 'welcome':
    case 'welcome-or-auth-error': {
      const welcomed = answers.some((r) => r.frame!.t === 'welcome');
      if (!welcomed && errors.length === 0 && !closedDocumented) v(`ws:unanswered:${exp.kind}`, `${exp.kind}: neither welcome nor error`);
      if (exp.answer === 'welcome' && !welcomed && errors.length > 0) v('ws:valid-hello-refused', `a valid hello got ${errors.map((e) => e.frame!.code).join(',')}`);
      break;
    }
    case 'pong':
      if (!byId('pong') && errors.length === 0 && !closedDocumented) v(`ws:unanswered:${exp.kind}`, `${exp.kind}: no pong`);
      else if (!byId('pong') && errors.some((e) => !exp.codes.has(String(e.frame!.code)))) v('ws:valid-frame-refused', `${exp.kind} got ${errors.map((e) => e.frame!.code).join(',')}`);
      break;
    case 'none':
      if (errors.some((e) => !exp.codes.has(String(e.frame!.code)))) v('ws:valid-frame-refused', `${exp.kind} got ${errors.map((e) => e.frame!.code).join(',')}`);
      if (obs.barrier === 'missing' && !closedDocumented) v(`ws:unanswered:${exp.kind}`, `${exp.kind}: the ping after it was never answered`);
      break;
    case 'sent':
    case 'recalled':
      if (!byId(exp.answer) && errors.length === 0 && !closedDocumented) v(`ws:unanswered:${exp.kind}`, `${exp.kind}: no ${exp.answer} or error for id ${JSON.stringify(exp.id)}`);
      if (errors.length > 0 && !errorForId) v('ws:error-without-id', `${exp.kind}: the error does not carry the request id`);
      break;
  }
  if (obs.timedOut && !close && exp.answer !== 'none' && out.every((x) => !x.cls.startsWith('ws:unanswered'))) {
    if (obs.barrier === 'missing') v(`ws:unanswered:${exp.kind}`, `${exp.kind}: the ping after it was never answered`);
  }
  return out;
}
