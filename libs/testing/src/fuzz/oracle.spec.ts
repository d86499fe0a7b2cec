import fc from 'fast-check';
import { describeFrame, frameCase, renderFrame, type FrameCase } from './frames';
import { judgeHttp, type HttpResult } from './http-oracle';
import type { RefName } from './json-node';
import { describeRequest, requestCase, type RequestCase } from './requests';
import { expectationOf, judgeFrame, parseServerFrame, type Observation } from './ws-oracle';

const resolve = (name: RefName) => (name === 'token' ? 'GOOD-TOKEN' : `ref-${name}`);
const ctx = { goodTokens: new Set(['GOOD-TOKEN']) };
const text = (where: FrameCase['where'], t: string): FrameCase => ({ label: 'test', where, payload: { k: 'text', text: t } });
const expect_ = (c: FrameCase) => expectationOf(c, renderFrame(c.payload, resolve), ctx);
const got = (frames: object[], extra: Partial<Observation> = {}): Observation => ({
  received: frames.map((f) => parseServerFrame(JSON.stringify(f))),
  barrier: 'not-sent',
  timedOut: false,
  ...extra,
});
const classes = (c: FrameCase, obs: Observation, barrier?: string) => judgeFrame(expect_(c), obs, barrier).map((v) => v.cls);
const error = (code: string, fatal = false, id?: string) => ({ t: 'error', code, message: 'm', fatal, ...(id ? { id } : {}) });

describe('device frame oracle', () => {
  it('before hello: any frame but hello is not_authenticated, fatal, closed with 4001', () => {
    const unknown = text('prehello', '{"t":"foo"}');
    expect(classes(unknown, got([error('not_authenticated', true)], { close: { code: 4001, reason: '' } }))).toEqual([]);
    expect(classes(unknown, got([error('unknown_frame_type')]))).toEqual(['ws:wrong-error-code:pre-hello unknown-type']);
    expect(classes(unknown, got([error('not_authenticated', true)], { timedOut: true }))).toEqual(['ws:fatal-error-not-closed']);
    // JSON that is not an object may also be malformed_frame.
    expect(classes(text('prehello', 'null'), got([error('malformed_frame')]))).toEqual([]);
  });

  it('a gateway that dies (close 1006, nothing answered) fails twice over', () => {
    expect(classes(text('authed', 'null'), got([], { close: { code: 1006, reason: '' }, barrier: 'missing' }), 'b1')).toEqual([
      'ws:undocumented-close:1006',
      'ws:unanswered:non-object',
    ]);
  });

  it('after hello: valid frames get their answer, invalid ones their code; internal is a failure', () => {
    const ping = text('authed', '{"t":"ping","id":"p1"}');
    expect(classes(ping, got([{ t: 'pong', id: 'p1' }, { t: 'pong', id: 'b1' }], { barrier: 'seen' }), 'b1')).toEqual([]);
    expect(classes(ping, got([], { barrier: 'missing', timedOut: true }), 'b1')).toEqual(['ws:unanswered:valid:ping']);
    const ack = text('authed', '{"t":"ack","seq":3}');
    expect(classes(ack, got([{ t: 'pong', id: 'b1' }], { barrier: 'seen' }), 'b1')).toEqual([]);
    expect(classes(text('authed', '{"t":"ack","seq":-1}'), got([error('invalid_field'), { t: 'pong', id: 'b1' }], { barrier: 'seen' }), 'b1')).toEqual([]);
    const send = text('authed', '{"t":"send","id":"s1","clientMsgId":"c","conversationType":"private","targetId":"bob","objectName":"RC:TxtMsg","content":{"a":1}}');
    expect(classes(send, got([{ t: 'sent', id: 's1', messageUid: 'U', sentAt: 1, duplicate: false }]))).toEqual([]);
    expect(classes(send, got([error('internal', false, 's1')]))).toEqual(['ws:error-internal:valid:send']);
    expect(classes(send, got([error('not_a_member', false)]))).toEqual(['ws:error-without-id']);
  });

  it('a frame over 256 KiB is closed with 1009; a text frame that is not UTF-8 with 1007', () => {
    const big = text('authed', `{"t":"ping","pad":"${'x'.repeat(300 * 1024)}"}`);
    expect(classes(big, got([], { close: { code: 1009, reason: '' } }))).toEqual([]);
    expect(classes(big, got([{ t: 'pong', id: 'b1' }], { barrier: 'seen' }), 'b1')).toEqual(['ws:unanswered:oversize']);
    const bad: FrameCase = { label: 'test', where: 'authed', payload: { k: 'badUtf8', before: '', bytes: [0xff], after: '' } };
    expect(classes(bad, got([], { close: { code: 1007, reason: '' } }))).toEqual([]);
  });

  it('refuses server frames that are not in the protocol', () => {
    expect(classes(text('authed', 'x'), got([error('malformed_frame'), { t: 'surprise' }]))).toEqual(['ws:undocumented-server-frame']);
  });
});

describe('HTTP oracle', () => {
  const mgmt: RequestCase = { label: 'POST /v1/groups', family: 'mgmt', app: 'http', method: 'POST', path: ['v1', 'groups'], auth: 'signed', body: { k: 'json', node: { k: 'obj', entries: [] } } };
  const server: RequestCase = { ...mgmt, label: 'POST /group/create.json', family: 'server', path: ['group', 'create.json'] };
  const answer = (status: number, body: unknown): HttpResult => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), ms: 1 });
  const judged = (r: RequestCase, a: HttpResult, sent = '') => judgeHttp(r, a, r.label, sent).map((v) => v.cls);

  it('accepts each API its documented error shape and status', () => {
    expect(judged(mgmt, answer(400, { code: 'invalid_field', message: 'x' }))).toEqual([]);
    expect(judged(server, answer(400, { code: 1002, errorMessage: 'x' }))).toEqual([]);
    expect(judged(server, answer(404, { code: 'not_found', message: 'x' }))).toEqual([]);
    expect(judged(mgmt, answer(409, { code: 'invalid_field', message: 'x' }))).toEqual(['http:mgmt-status-mismatch']);
    expect(judged(server, answer(400, { code: 'invalid_field', message: 'x' }))).toEqual(['http:server-api-error-shape']);
    expect(judged(mgmt, answer(413, '<html>too large</html>'))).toEqual(['http:not-json:413']);
  });

  it('fails every 5xx, grouped by its cause', () => {
    expect(judged(mgmt, answer(500, { code: 'internal', message: 'x' }))).toEqual(['http:5xx:500:POST /v1/groups']);
    expect(judged({ ...mgmt, contentEncoding: 'gzip' }, answer(500, { code: 'internal', message: 'x' }))).toEqual(['http:5xx:500:any route, Content-Encoding set']);
    expect(judged({ ...mgmt, body: { k: 'big', n: 600_000, as: 'json', transfer: 'truncated' } }, { body: '', error: 'closed', ms: 1 })).toEqual([]);
  });

  it('notices a Server API answer that ignored a body with fields', () => {
    expect(judged(server, answer(400, { code: 1003, errorMessage: 'no POST data' }), 'userId=u1')).toEqual(['http:server-api-body-ignored']);
    expect(judged(server, answer(400, { code: 1003, errorMessage: 'no POST data' }), '')).toEqual([]);
  });
});

describe('generators', () => {
  it('are reproducible from a seed and render every case', () => {
    const a = fc.sample(frameCase, { seed: 42, numRuns: 300 });
    const b = fc.sample(frameCase, { seed: 42, numRuns: 300 });
    expect(a.map((c) => describeFrame(c))).toEqual(b.map((c) => describeFrame(c)));
    for (const c of a) expect(() => expect_(c)).not.toThrow();
    const r = fc.sample(requestCase, { seed: 42, numRuns: 300 });
    expect(r.map((x) => describeRequest(x))).toEqual(fc.sample(requestCase, { seed: 42, numRuns: 300 }).map((x) => describeRequest(x)));
  });
});
