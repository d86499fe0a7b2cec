import fc from 'fast-check';
import { CLIENT_FRAME_TYPES, MAX_FRAME_BYTES } from '@msync/contracts';
import { arr, describeNode, lit, obj, quote, raw, ref, renderNode, type JNode, type RefResolver } from './json-node';
import { anyKey, anyNumber, anyString, deepDepth, jsonNode, NOT_JSON_NUMBER_TEXT, RAW_NUMBER_TEXT, unsafeString } from './values';

export type ClientFrameType = (typeof CLIENT_FRAME_TYPES)[number];

/** What goes on the wire: a text frame (JSON or not), a binary frame, or a text frame whose bytes are not UTF-8. */
export type FramePayload =
  | { k: 'json'; node: JNode }
  | { k: 'text'; text: string }
  | { k: 'binary'; bytes: number[] }
  | { k: 'binaryOf'; node: JNode }
  | { k: 'badUtf8'; before: string; bytes: number[]; after: string };

/**
 * One device frame of the fuzz: where it is sent (as the first frame of a fresh connection, or on an
 * authenticated session) and what. `label` names the generator, for reports.
 */
export interface FrameCase {
  label: string;
  where: 'prehello' | 'authed';
  payload: FramePayload;
}

/** A frame ready to send. */
export interface RenderedFrame {
  data: string | Buffer;
  binary: boolean;
  /** Bytes on the wire. */
  size: number;
}

export function renderFrame(payload: FramePayload, resolve: RefResolver): RenderedFrame {
  switch (payload.k) {
    case 'json': {
      const text = renderNode(payload.node, resolve);
      return { data: text, binary: false, size: Buffer.byteLength(text) };
    }
    case 'text':
      return { data: payload.text, binary: false, size: Buffer.byteLength(payload.text) };
    case 'binary':
      return { data: Buffer.from(payload.bytes), binary: true, size: payload.bytes.length };
    case 'binaryOf': {
      const buf = Buffer.from(renderNode(payload.node, resolve));
      return { data: buf, binary: true, size: buf.length };
    }
    case 'badUtf8': {
      const buf = Buffer.concat([Buffer.from(payload.before), Buffer.from(payload.bytes), Buffer.from(payload.after)]);
      return { data: buf, binary: false, size: buf.length };
    }
  }
}

export function describeFrame(c: FrameCase, budget = 300): string {
  const p = c.payload;
  const what =
    p.k === 'json'
      ? describeNode(p.node, budget)
      : p.k === 'text'
        ? `text ${quote(p.text, budget)}`
        : p.k === 'binary'
          ? `binary [${p.bytes.slice(0, 16).join(',')}${p.bytes.length > 16 ? `,... ${p.bytes.length} bytes` : ''}]`
          : p.k === 'binaryOf'
            ? `binary of ${describeNode(p.node, budget)}`
            : `text bytes ${quote(p.before)} + [${p.bytes.map((b) => `0x${b.toString(16)}`).join(',')}] + ${quote(p.after)}`;
  return `${c.where} ${what}`;
}

// ---- valid frames -------------------------------------------------------------------------

const deviceId = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,24}$/);
const platform = fc.constantFrom('mobile', 'web', 'desktop', 'miniprogram');
const objectName = fc.constantFrom('RC:TxtMsg', 'RC:ImgMsg', 'App:Custom', 'RC:TypSts', 'X');
const requestId = fc.oneof({ weight: 3, arbitrary: fc.constant(ref('fresh')) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9]{1,64}$/).map(lit) });

const smallContent: fc.Arbitrary<JNode> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 30 }).map((s) => obj([['content', lit(s)]])) },
  { weight: 1, arbitrary: fc.constant(lit('{"content":"as JSON text"}')) },
  { weight: 1, arbitrary: fc.constant(obj([])) },
  { weight: 1, arbitrary: fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.oneof(fc.integer().map(lit), fc.string({ maxLength: 10 }).map(lit))), { maxLength: 4 }).map(obj) },
);

/** Content near and over the content limit (128 KiB) and the frame limit (256 KiB). */
const sizedContent: fc.Arbitrary<JNode> = fc
  .oneof(
    fc.constantFrom(100 * 1024, 128 * 1024 - 64, 128 * 1024 + 1, 200 * 1024, MAX_FRAME_BYTES - 200, MAX_FRAME_BYTES + 1, 400 * 1024),
    fc.integer({ min: 1, max: 300 * 1024 }),
  )
  .map((n) => obj([['content', { k: 'pad', n, ch: 'x' }]]));

const cursor: fc.Arbitrary<JNode | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant(lit(null)),
  fc.constant(lit(0)),
  fc.integer({ min: 0, max: 1_000_000 }).map(lit),
  fc.constant(lit(Number.MAX_SAFE_INTEGER)),
);

const tokenRef = fc.oneof(
  { weight: 6, arbitrary: fc.constant(ref('token')) },
  { weight: 1, arbitrary: fc.constantFrom(ref('tokenOtherApp'), ref('tokenExpired'), ref('tokenRevoked'), ref('tokenBlocked')) },
  { weight: 1, arbitrary: fc.constantFrom(lit('v1.nope.e30.AAAA'), lit('v1..x.y'), lit('garbage'), lit('v1.app.' + 'A'.repeat(2000) + '.x')) },
);

const entries = (pairs: [string, JNode | undefined][]): JNode => obj(pairs.filter((p): p is [string, JNode] => p[1] !== undefined));

export const validFrame: Record<ClientFrameType, fc.Arbitrary<JNode>> = {
  hello: fc
    .record({ token: tokenRef, platform, deviceId, cursor })
    .map((h) => entries([['t', lit('hello')], ['v', lit(1)], ['token', h.token], ['platform', lit(h.platform)], ['deviceId', lit(h.deviceId)], ['cursor', h.cursor]])),
  send: fc
    .record({
      id: requestId,
      clientMsgId: fc.oneof({ weight: 4, arbitrary: fc.constant(ref('fresh')) }, { weight: 1, arbitrary: fc.constantFrom(lit('same-client-msg-id'), lit('c')) }),
      conversation: fc.oneof(
        { weight: 5, arbitrary: fc.constant<[string, JNode]>(['private', ref('peer')]) },
        { weight: 1, arbitrary: fc.constant<[string, JNode]>(['private', ref('self')]) },
        { weight: 2, arbitrary: fc.constant<[string, JNode]>(['group', ref('group')]) },
        { weight: 1, arbitrary: fc.constantFrom<[string, JNode]>(['group', ref('groupNotMember')], ['group', ref('groupMissing')]) },
      ),
      objectName,
      content: fc.oneof({ weight: 6, arbitrary: smallContent }, { weight: 1, arbitrary: sizedContent }),
    })
    .map((s) =>
      obj([
        ['t', lit('send')],
        ['id', s.id],
        ['clientMsgId', s.clientMsgId],
        ['conversationType', lit(s.conversation[0])],
        ['targetId', s.conversation[1]],
        ['objectName', lit(s.objectName)],
        ['content', s.content],
      ]),
    ),
  ack: fc.oneof(fc.nat(1000), fc.constant(Number.MAX_SAFE_INTEGER), fc.constant(0)).map((seq) => obj([['t', lit('ack')], ['seq', lit(seq)]])),
  ping: fc.option(requestId, { nil: undefined }).map((id) => entries([['t', lit('ping')], ['id', id]])),
  recall: fc
    .record({
      id: requestId,
      uid: fc.oneof(
        { weight: 3, arbitrary: fc.constant(ref('ownUid')) },
        { weight: 1, arbitrary: fc.constant(ref('otherUid')) },
        { weight: 1, arbitrary: fc.stringMatching(/^[A-Z0-9-]{8,64}$/).map(lit) },
      ),
    })
    .map((r) => obj([['t', lit('recall')], ['id', r.id], ['messageUid', r.uid]])),
  next: fc.constant(obj([['t', lit('next')]])),
};

const anyValidFrame = fc.constantFrom(...CLIENT_FRAME_TYPES).chain((t) => validFrame[t].map((node) => ({ t, node })));

// ---- mutations ----------------------------------------------------------------------------

/** A value to put where a valid one was. */
const fuzzValue: fc.Arbitrary<JNode> = fc.oneof(
  { weight: 4, arbitrary: jsonNode },
  { weight: 2, arbitrary: unsafeString.map(lit) },
  { weight: 2, arbitrary: anyNumber.map(lit) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_NUMBER_TEXT).map(raw) },
  { weight: 1, arbitrary: fc.constantFrom('NaN', 'Infinity', '-Infinity', 'null', 'undefined', '1e999').map(lit) },
  { weight: 1, arbitrary: fc.record({ depth: fc.constantFrom(40, 1_000, 5_000), shape: fc.constantFrom<'array' | 'object'>('array', 'object') }).map(({ depth, shape }): JNode => ({ k: 'deep', depth, shape, leaf: lit(1) })) },
  { weight: 1, arbitrary: fc.constantFrom(65, 129, 2_049, 70_000).map((n): JNode => ({ k: 'pad', n, ch: 'y' })) },
);

type Mutation =
  | { op: 'set'; field: number; value: JNode }
  | { op: 'delete'; field: number }
  | { op: 'add'; key: string; value: JNode }
  | { op: 'duplicateT'; value: JNode; first: boolean }
  | { op: 'retype'; t: string }
  | { op: 'wrap' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), field: fc.nat(8), value: fuzzValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), field: fc.nat(8) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('add' as const), key: anyKey, value: fuzzValue }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicateT' as const), value: fc.oneof(fc.constantFrom(...CLIENT_FRAME_TYPES).map(lit), fuzzValue), first: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('retype' as const),
      t: fc.oneof(fc.constantFrom('Hello', 'SEND', ' ping', 'ping ', 'ping\u0000', 'pong', 'welcome', 'sent', 'error', 'event', '__proto__', 'constructor', ''), anyString(10)),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'wrap' as const }) },
);

function mutate(node: JNode, m: Mutation): JNode {
  if (node.k !== 'obj') return m.op === 'wrap' ? arr([node]) : node;
  const fields = node.entries;
  switch (m.op) {
    case 'set':
      return obj(fields.map(([k, v], i) => [k, i === m.field % fields.length ? m.value : v]));
    case 'delete':
      return obj(fields.filter((_, i) => i !== m.field % fields.length));
    case 'add':
      return obj([...fields, [m.key, m.value]]);
    case 'duplicateT':
      return obj(m.first ? [['t', m.value], ...fields] : [...fields, ['t', m.value]]);
    case 'retype':
      return obj(fields.map(([k, v]) => [k, k === 't' ? lit(m.t) : v]));
    case 'wrap':
      return arr([node]);
  }
}

const mutatedFrame = fc
  .tuple(anyValidFrame, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([{ t, node }, ms]) => ({ t, node: ms.reduce(mutate, node), ops: ms.map((m) => m.op).join('+') }));

// ---- hostile payloads ---------------------------------------------------------------------

const LITERAL_FRAMES = [
  'null',
  'true',
  'false',
  '0',
  '-0',
  '1e400',
  '""',
  '"ping"',
  '[]',
  '{}',
  '[null]',
  '[{"t":"ping"}]',
  '{"t":null}',
  '{"t":1}',
  '{"t":true}',
  '{"t":["ping"]}',
  '{"t":{"toString":"ping"}}',
  '{"t":"__proto__"}',
  '{"t":"constructor"}',
  '{"t":"toString"}',
  '{"t":"hasOwnProperty"}',
  '{"t":"valueOf"}',
  '{"__proto__":{"t":"ping"}}',
  '{"t":"ping","__proto__":{"id":"x"}}',
  '{"t":"ping","__proto__":null}',
  '{"constructor":{"prototype":{"t":"ping"}}}',
  '{"t":"ping","id":null}',
  '{"t":"ping","id":{"toString":"x"}}',
  '{"t":"ping","id":""}',
  '{"t":"ack","seq":-1}',
  '{"t":"ack","seq":1.5}',
  '{"t":"ack","seq":1e400}',
  '{"t":"ack","seq":"NaN"}',
  '{"t":"ack","seq":123456789012345678901234567890}',
  '{"t":"hello","v":1.0000000000000001}',
  '{"t":"next","t":"ping"}',
  '{"t":"ping","t":"next"}',
  ' {"t":"ping"} ',
  '{"t":"ping","id":"\\u0000"}',
  '{"t":"ping","id":"\\ud800"}',
  '{"t":"\\u0000ping"}',
  '{"t\\u0000":"ping"}',
  '{"t":"send","content":{"\\u0000":1}}',
] as const;

const NOT_JSON_FRAMES = [
  '',
  ' ',
  'NaN',
  'undefined',
  '{"t":"ping",}',
  "{'t':'ping'}",
  '{"t":"ping"',
  '{"t":"ping"}}',
  '{"t":"ping"}{"t":"ping"}',
  '\ufeff{"t":"ping"}',
  '{"t":"ping","id":"\u0000"}',
  '\u0000',
  '{"t":"ack","seq":NaN}',
  '{"t":"ack","seq":Infinity}',
  '<html>',
  'GET / HTTP/1.1',
] as const;

/** Valid JSON frames carrying NUL or lone surrogates in one of their strings (ids, objectName, content, keys). */
const unsafeSend = fc
  .record({
    where: fc.constantFrom('id', 'clientMsgId', 'objectName', 'contentText', 'contentKey', 'contentValue', 'contentString', 'targetId'),
    bad: fc.oneof(unsafeString, fc.constantFrom('\u0000', '\ud800', 'RC:Txt\u0000Msg', '\udfff')),
  })
  .map(({ where, bad }) => {
    const content =
      where === 'contentKey'
        ? obj([[bad, lit('v')]])
        : where === 'contentValue'
          ? obj([['content', obj([['nested', lit(bad)]])]])
          : where === 'contentString'
            ? lit(JSON.stringify({ content: bad }))
            : obj([['content', lit(where === 'contentText' ? bad : 'hi')]]);
    return {
      where,
      node: obj([
        ['t', lit('send')],
        ['id', where === 'id' ? lit(bad) : ref('fresh')],
        ['clientMsgId', where === 'clientMsgId' ? lit(bad) : ref('fresh')],
        ['conversationType', lit('private')],
        ['targetId', where === 'targetId' ? lit(bad) : ref('peer')],
        ['objectName', lit(where === 'objectName' ? bad.slice(0, 32) || '\u0000' : 'RC:TxtMsg')],
        ['content', content],
      ]),
    };
  });

/** Nesting thousands deep: the whole frame, inside `t`, inside `content`, inside an id or an extra field. */
const deepFrame = fc
  .record({
    depth: deepDepth,
    shape: fc.constantFrom<'array' | 'object'>('array', 'object'),
    at: fc.constantFrom('frame', 't', 'content', 'contentValue', 'id', 'extra', 'token'),
    leaf: fc.constantFrom(lit(1), lit('\u0000'), lit(null), obj([])),
  })
  .map(({ depth, shape, at, leaf }) => {
    const deep: JNode = { k: 'deep', depth, shape, leaf };
    const send = (content: JNode) =>
      obj([
        ['t', lit('send')],
        ['id', ref('fresh')],
        ['clientMsgId', ref('fresh')],
        ['conversationType', lit('private')],
        ['targetId', ref('peer')],
        ['objectName', lit('RC:TxtMsg')],
        ['content', content],
      ]);
    const node =
      at === 'frame'
        ? deep
        : at === 't'
          ? obj([['t', deep]])
          : at === 'content'
            ? send(deep)
            : at === 'contentValue'
              ? send(obj([['content', deep]]))
              : at === 'id'
                ? obj([['t', lit('ping')], ['id', deep]])
                : at === 'extra'
                  ? obj([['t', lit('ack')], ['seq', lit(1)], ['x', deep]])
                  : obj([['t', lit('hello')], ['v', lit(1)], ['token', deep], ['platform', lit('web')], ['deviceId', lit('d')]]);
    return { label: `deep:${at}:${shape}:${depth}`, node };
  });

/** Over the 256 KiB frame limit: junk, a valid-looking send, an ack padded with whitespace. */
const oversizeFrame = fc.record({ n: fc.oneof(fc.constantFrom(MAX_FRAME_BYTES + 1, MAX_FRAME_BYTES + 100, 1024 * 1024), fc.integer({ min: MAX_FRAME_BYTES + 1, max: 2 * MAX_FRAME_BYTES })), kind: fc.constantFrom('ping', 'junk') }).map(({ n, kind }) =>
  kind === 'ping' ? { k: 'json' as const, node: obj([['t', lit('ping')], ['pad', { k: 'pad', n, ch: ' ' }]]) } : { k: 'text' as const, text: 'x'.repeat(n) },
);

const badUtf8 = fc.record({
  bytes: fc.constantFrom<number[]>([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf], [0xe2, 0x82], [0x80]),
  inside: fc.boolean(),
});

// ---- the frame arbitrary ------------------------------------------------------------------

const where = (prehelloWeight: number) => fc.oneof({ weight: prehelloWeight, arbitrary: fc.constant('prehello' as const) }, { weight: 10 - prehelloWeight, arbitrary: fc.constant('authed' as const) });

/** Every kind of frame the fuzz sends, weighted; ~30 % as the first frame of a fresh connection. */
export const frameCase: fc.Arbitrary<FrameCase> = fc.oneof<fc.MaybeWeightedArbitrary<FrameCase>[]>(
  { weight: 30, arbitrary: fc.record({ where: where(3), m: mutatedFrame }).map(({ where, m }) => ({ label: `mutated:${m.t}:${m.ops}`, where, payload: { k: 'json' as const, node: m.node } })) },
  {
    weight: 18,
    arbitrary: fc
      .record({ where: where(2), v: anyValidFrame })
      .map(({ where, v }) => ({ label: `valid:${v.t}`, where: v.t === 'hello' ? ('prehello' as const) : where, payload: { k: 'json' as const, node: v.node } })),
  },
  { weight: 3, arbitrary: validFrame.hello.map((node) => ({ label: 'valid:hello-twice', where: 'authed' as const, payload: { k: 'json' as const, node } })) },
  { weight: 8, arbitrary: fc.record({ where: where(3), node: jsonNode }).map(({ where, node }) => ({ label: 'random-json', where, payload: { k: 'json' as const, node } })) },
  { weight: 5, arbitrary: fc.record({ where: where(4), text: fc.constantFrom(...LITERAL_FRAMES) }).map(({ where, text }) => ({ label: `literal:${text.slice(0, 30)}`, where, payload: { k: 'text' as const, text } })) },
  {
    weight: 5,
    arbitrary: fc
      .record({ where: where(4), text: fc.oneof(fc.constantFrom(...NOT_JSON_FRAMES), fc.constantFrom(...NOT_JSON_NUMBER_TEXT), anyString(60)) })
      .map(({ where, text }) => ({ label: 'not-json', where, payload: { k: 'text' as const, text } })),
  },
  {
    weight: 4,
    arbitrary: fc
      .record({ where: where(4), payload: fc.oneof(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }).map((bytes) => ({ k: 'binary' as const, bytes })), anyValidFrame.map((v) => ({ k: 'binaryOf' as const, node: v.node }))) })
      .map(({ where, payload }) => ({ label: `binary:${payload.k}`, where, payload })),
  },
  { weight: 7, arbitrary: fc.record({ where: where(2), s: unsafeSend }).map(({ where, s }) => ({ label: `unsafe-text:send.${s.where}`, where, payload: { k: 'json' as const, node: s.node } })) },
  { weight: 6, arbitrary: fc.record({ where: where(3), d: deepFrame }).map(({ where, d }) => ({ label: d.label, where, payload: { k: 'json' as const, node: d.node } })) },
  { weight: 2, arbitrary: fc.record({ where: where(3), payload: oversizeFrame }).map(({ where, payload }) => ({ label: `oversize:${payload.k}`, where, payload })) },
  {
    weight: 1,
    arbitrary: fc.record({ where: where(3), b: badUtf8 }).map(({ where, b }) => ({
      label: 'bad-utf8',
      where,
      payload: { k: 'badUtf8' as const, before: b.inside ? '{"t":"ping","id":"' : '', bytes: b.bytes, after: b.inside ? '"}' : '' },
    })),
  },
);
