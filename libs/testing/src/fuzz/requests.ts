import fc from 'fast-check';
import { describeNode, lit, obj, arr, quote, ref, renderNode, type JNode, type RefResolver } from './json-node';
import { anyKey, anyNumber, anyString, jsonNode, unsafeString } from './values';

/** Which answer shape applies: the management API (`{code, message}`) or the Server API (`{code, errorMessage}`). */
export type ApiFamily = 'mgmt' | 'admin' | 'server' | 'internal' | 'unknown';

export type AuthKind =
  | 'signed'
  | 'signed-rc'
  | 'signed-seconds'
  | 'signed-upper'
  | 'bad-signature'
  | 'missing'
  | 'partial'
  | 'unknown-app'
  | 'garbage'
  | 'admin'
  | 'admin-bad'
  | 'internal-bad';

export type BodySpec =
  | { k: 'none' }
  | { k: 'json'; node: JNode }
  | { k: 'form'; fields: [JNode, JNode][]; plus: boolean }
  | { k: 'raw'; text: string }
  | { k: 'bytes'; bytes: number[] }
  /** A body of about `n` bytes: sent with its length, chunked without one, or announced and cut off. */
  | { k: 'big'; n: number; as: 'json' | 'form'; transfer: 'length' | 'chunked' | 'truncated' };

/** One HTTP request of the fuzz (data only: refs are filled in when it is sent). */
export interface RequestCase {
  label: string;
  family: ApiFamily;
  /** The app it is signed for: the shared fuzz app, or the one whose settings the settings lane checks. */
  app: 'http' | 'settings';
  method: string;
  /** Path segments; a JNode segment is percent-encoded (lone surrogates as their CESU-8 bytes), a string is sent as is. */
  path: (string | JNode)[];
  query?: string;
  auth: AuthKind;
  body: BodySpec;
  /** Content-Type header: the route's default when undefined, none when null. */
  contentType?: string | null;
  contentEncoding?: string;
}

// ---- encoding -----------------------------------------------------------------------------

/** encodeURIComponent, except that a lone surrogate becomes the percent-encoded CESU-8 bytes (what a careless client sends). */
export function encodeComponent(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += `%${(0xe0 | (c >> 12)).toString(16).toUpperCase()}%${(0x80 | ((c >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (c & 0x3f)).toString(16).toUpperCase()}`;
    } else out += encodeURIComponent(text[i]);
  }
  return out;
}

/** A form field's text: string literals as they are, other JSON as its text (a number, an object in a form). */
export function formText(node: JNode, resolve: RefResolver): string {
  if (node.k === 'lit' && typeof node.v === 'string') return node.v;
  if (node.k === 'ref') return resolve(node.name);
  if (node.k === 'pad') return node.ch.repeat(node.n);
  const text = renderNode(node, resolve);
  return text;
}

export function renderForm(fields: [JNode, JNode][], plus: boolean, resolve: RefResolver): string {
  const enc = (s: string) => (plus ? encodeComponent(s).replace(/%20/g, '+') : encodeComponent(s));
  return fields.map(([k, v]) => `${enc(formText(k, resolve))}=${enc(formText(v, resolve))}`).join('&');
}

export function renderPath(segments: (string | JNode)[], resolve: RefResolver): string {
  return `/${segments.map((s) => (typeof s === 'string' ? s : encodeComponent(formText(s, resolve)))).join('/')}`;
}

export function describeRequest(r: RequestCase, budget = 300): string {
  const path = r.path.map((s) => (typeof s === 'string' ? s : describeNode(s, 60))).join('/');
  const b = r.body;
  const body =
    b.k === 'none'
      ? ''
      : b.k === 'json'
        ? ` json ${describeNode(b.node, budget)}`
        : b.k === 'form'
          ? ` form ${b.fields.map(([k, v]) => `${describeNode(k, 40)}=${describeNode(v, 80)}`).join('&').slice(0, budget)}`
          : b.k === 'raw'
            ? ` raw ${quote(b.text, budget)}`
            : b.k === 'bytes'
              ? ` bytes [${b.bytes.slice(0, 12).join(',')}${b.bytes.length > 12 ? ',...' : ''}]`
              : ` ${b.as} body of ${b.n} bytes (${b.transfer})`;
  const ct = r.contentType === undefined ? '' : ` content-type=${JSON.stringify(r.contentType)}`;
  const ce = r.contentEncoding ? ` content-encoding=${r.contentEncoding}` : '';
  return `${r.method} /${path}${r.query ? `?${r.query}` : ''} [${r.auth}${r.app === 'settings' ? ', settings app' : ''}]${ct}${ce}${body}`;
}

// ---- values -------------------------------------------------------------------------------

const s = (v: string) => lit(v);
const validUser = fc.oneof({ weight: 4, arbitrary: fc.constant(ref('user')) }, { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9+=_|.@-]{1,64}$/).map(s) });
const validGroup = fc.oneof({ weight: 3, arbitrary: fc.constant(ref('group')) }, { weight: 1, arbitrary: fc.constant(ref('fresh')) });

/** A string where a valid one goes: NUL, lone surrogates, too long, number look-alikes, prototype names. */
const hostileText: fc.Arbitrary<JNode> = fc.oneof(
  { weight: 3, arbitrary: unsafeString.map(s) },
  { weight: 2, arbitrary: anyString().map(s) },
  { weight: 1, arbitrary: fc.constantFrom(65, 129, 1025, 5_000, 100_001).map((n): JNode => ({ k: 'pad', n, ch: 'z' })) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'NaN', '-1', '1e999', 'undefined', '').map(s) },
);

/** Any value where a valid JSON one goes (wrong types included). */
const hostileJson: fc.Arbitrary<JNode> = fc.oneof(
  { weight: 3, arbitrary: hostileText },
  { weight: 2, arbitrary: jsonNode },
  { weight: 2, arbitrary: anyNumber.map(lit) },
  { weight: 1, arbitrary: fc.constantFrom<JNode>(lit(null), lit(true), arr([]), obj([]), { k: 'raw', text: '1e400' }, { k: 'raw', text: '-0' }) },
  { weight: 1, arbitrary: fc.constantFrom(33, 1_000, 5_000, 20_000).map((depth): JNode => ({ k: 'deep', depth, shape: 'array', leaf: lit(1) })) },
);

// ---- routes -------------------------------------------------------------------------------

type FieldGen = fc.Arbitrary<JNode>;
interface JsonRoute {
  family: 'mgmt' | 'admin';
  method: string;
  path: (string | 'USER' | 'GROUP' | 'UID')[];
  /** Valid fields and how to make each one; optional ones may be left out. */
  fields: Record<string, { valid: FieldGen; optional?: boolean }>;
  app?: 'settings';
}

const settingsFields: JsonRoute['fields'] = {
  multiDeviceSync: { valid: fc.boolean().map(lit), optional: true },
  compensationDays: { valid: fc.integer({ min: 1, max: 7 }).map(lit), optional: true },
  retentionDays: { valid: fc.integer({ min: 1, max: 30 }).map(lit), optional: true },
  devicesPerPlatform: { valid: fc.integer({ min: 1, max: 10 }).map(lit), optional: true },
  webConnectionLimit: { valid: fc.integer({ min: 1, max: 50 }).map(lit), optional: true },
  transientMessageTypes: { valid: fc.array(fc.constantFrom('RC:TypSts', 'App:Typing', 'X').map(s), { maxLength: 3 }).map(arr), optional: true },
  maxContentBytes: { valid: fc.integer({ min: 1, max: 128 * 1024 }).map(lit), optional: true },
  serverApiRatePerSecond: { valid: fc.integer({ min: 1, max: 100_000 }).map(lit), optional: true },
  strictSignature: { valid: fc.boolean().map(lit), optional: true },
};

const JSON_ROUTES: JsonRoute[] = [
  {
    family: 'admin',
    method: 'POST',
    path: ['admin', 'v1', 'apps'],
    fields: {
      name: { valid: fc.string({ minLength: 1, maxLength: 30 }).map(s) },
      appKey: { valid: fc.stringMatching(/^[A-Za-z0-9_-]{12,40}$/).map(s), optional: true },
      settings: { valid: fc.constant(obj([['compensationDays', lit(2)]])), optional: true },
    },
  },
  { family: 'mgmt', method: 'POST', path: ['v1', 'users', 'USER', 'tokens'], fields: { ttlSeconds: { valid: fc.integer({ min: 1, max: 86_400 }).map(lit), optional: true } } },
  { family: 'mgmt', method: 'POST', path: ['v1', 'tokens', 'revoke'], fields: { token: { valid: fc.constant(ref('token')) } } },
  {
    family: 'mgmt',
    method: 'POST',
    path: ['v1', 'groups'],
    fields: {
      groupId: { valid: fc.constant(ref('fresh')) },
      name: { valid: fc.string({ maxLength: 20 }).map(s), optional: true },
      members: { valid: fc.array(validUser, { maxLength: 4 }).map(arr), optional: true },
    },
  },
  { family: 'mgmt', method: 'POST', path: ['v1', 'groups', 'GROUP', 'members'], fields: { userIds: { valid: fc.array(validUser, { minLength: 1, maxLength: 4 }).map(arr) } } },
  { family: 'mgmt', method: 'POST', path: ['v1', 'groups', 'GROUP', 'members', 'remove'], fields: { userIds: { valid: fc.array(validUser, { minLength: 1, maxLength: 2 }).map(arr) } } },
  { family: 'mgmt', method: 'GET', path: ['v1', 'groups', 'GROUP', 'members'], fields: {} },
  { family: 'mgmt', method: 'POST', path: ['v1', 'groups', 'GROUP', 'dismiss'], fields: {} },
  { family: 'mgmt', method: 'GET', path: ['v1', 'settings'], fields: {} },
  { family: 'mgmt', method: 'PATCH', path: ['v1', 'settings'], fields: settingsFields, app: 'settings' },
  { family: 'mgmt', method: 'GET', path: ['v1', 'users', 'USER', 'presence'], fields: {} },
  { family: 'mgmt', method: 'GET', path: ['v1', 'users', 'USER', 'devices'], fields: {} },
  { family: 'mgmt', method: 'POST', path: ['v1', 'messages', 'UID', 'recall'], fields: {} },
  { family: 'mgmt', method: 'POST', path: ['v1', 'users', 'USER', 'logout'], fields: { deviceId: { valid: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,20}$/).map(s), optional: true } } },
  { family: 'mgmt', method: 'POST', path: ['v1', 'users', 'USER', 'block'], fields: { minutes: { valid: fc.integer({ min: 1, max: 43_200 }).map(lit), optional: true } } },
  { family: 'mgmt', method: 'POST', path: ['v1', 'users', 'USER', 'unblock'], fields: {} },
];

type FormKind = 'user' | 'users' | 'group' | 'groups' | 'freshGroup' | 'text' | 'objectName' | 'content' | 'flag' | 'minute' | 'time' | 'msgRandom' | 'uid' | 'convType';
const SERVER_ENDPOINTS: Record<string, Record<string, FormKind>> = {
  'user/getToken': { userId: 'user', name: 'text', portraitUri: 'text' },
  'user/checkOnline': { userId: 'user' },
  'user/block': { userId: 'users', minute: 'minute' },
  'user/unblock': { userId: 'users' },
  'user/block/query': {},
  'user/token/expire': { userId: 'users', time: 'time' },
  'message/private/publish': { fromUserId: 'user', toUserId: 'users', objectName: 'objectName', content: 'content', isPersisted: 'flag', isIncludeSender: 'flag', msgRandom: 'msgRandom', pushContent: 'text', pushData: 'text' },
  'message/group/publish': { fromUserId: 'user', toGroupId: 'group', objectName: 'objectName', content: 'content', isPersisted: 'flag', isIncludeSender: 'flag', msgRandom: 'msgRandom', pushContent: 'text' },
  'message/system/publish': { fromUserId: 'user', toUserId: 'users', objectName: 'objectName', content: 'content', isPersisted: 'flag', isIncludeSender: 'flag' },
  'statusmessage/private/publish': { fromUserId: 'user', toUserId: 'users', objectName: 'objectName', content: 'content', isIncludeSender: 'flag' },
  'statusmessage/group/publish': { fromUserId: 'user', toGroupId: 'groups', objectName: 'objectName', content: 'content', isIncludeSender: 'flag' },
  'message/recall': { fromUserId: 'user', conversationType: 'convType', targetId: 'user', messageUID: 'uid', sentTime: 'time', isAdmin: 'flag', isDelete: 'flag' },
  'group/create': { userId: 'users', groupId: 'freshGroup', groupName: 'text' },
  'group/join': { userId: 'users', groupId: 'group', groupName: 'text' },
  'group/quit': { userId: 'users', groupId: 'group' },
  'group/dismiss': { userId: 'user', groupId: 'freshGroup' },
  'group/user/query': { groupId: 'group' },
};

const formValid: Record<FormKind, fc.Arbitrary<JNode[]>> = {
  user: validUser.map((v) => [v]),
  users: fc.array(validUser, { minLength: 1, maxLength: 3 }),
  group: validGroup.map((v) => [v]),
  groups: fc.array(validGroup, { minLength: 1, maxLength: 2 }),
  freshGroup: fc.oneof({ weight: 3, arbitrary: fc.constant<JNode[]>([ref('fresh')]) }, { weight: 1, arbitrary: fc.constant<JNode[]>([ref('group')]) }),
  text: fc.string({ maxLength: 20 }).map((v) => [s(v)]),
  objectName: fc.constantFrom('RC:TxtMsg', 'RC:TypSts', 'App:Custom').map((v) => [s(v)]),
  content: fc.string({ maxLength: 30 }).map((v) => [s(JSON.stringify({ content: v }))]),
  flag: fc.constantFrom('0', '1', 'true', 'false').map((v) => [s(v)]),
  minute: fc.integer({ min: 1, max: 3 }).map((v) => [s(String(v))]),
  time: fc.integer({ min: 0, max: 2 ** 41 }).map((v) => [s(String(v))]),
  msgRandom: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/).map((v) => [s(v)]),
  uid: fc.constant([ref('uid')]),
  convType: fc.constantFrom('1', '3', '6').map((v) => [s(v)]),
};

/** A form value where a valid one goes: hostile text, numbers as text, JSON with NUL escapes in `content`. */
const hostileFormValue: fc.Arbitrary<JNode> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  { weight: 1, arbitrary: anyNumber.map((n) => s(String(n))) },
  { weight: 1, arbitrary: fc.constantFrom('{"content":"\\u0000"}', '{"content":"\\ud800"}', '{"\\u0000":1}', '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}', 'not json', '[]', 'null').map(s) },
  { weight: 1, arbitrary: fc.constantFrom(128 * 1024 + 1, 600 * 1024).map((n) => s(JSON.stringify({ content: 'c'.repeat(n) }))) },
);

// ---- bodies and mutations -----------------------------------------------------------------

type FieldMutation =
  | { op: 'set'; field: number; value: JNode }
  /** Inside the field's value: one element of an array, one value of an object (e.g. a member id, a transient type). */
  | { op: 'inner'; field: number; at: number; value: JNode }
  | { op: 'delete'; field: number }
  | { op: 'add'; key: string; value: JNode }
  | { op: 'repeat'; field: number };
const fieldMutation = (value: fc.Arbitrary<JNode>): fc.Arbitrary<FieldMutation> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), field: fc.nat(10), value }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('inner' as const), field: fc.nat(10), at: fc.nat(5), value: hostileText }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), field: fc.nat(10) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('add' as const), key: anyKey, value }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('repeat' as const), field: fc.nat(10) }) },
  );

function applyMutations(entries: [string, JNode][], ms: FieldMutation[]): [string, JNode][] {
  let out = entries;
  for (const m of ms) {
    if (m.op === 'add') out = [...out, [m.key, m.value]];
    else if (out.length === 0) continue;
    else if (m.op === 'set') out = out.map(([k, v], i) => [k, i === m.field % out.length ? m.value : v]);
    else if (m.op === 'inner') out = out.map(([k, v], i) => [k, i === m.field % out.length ? inside(v, m.at, m.value) : v]);
    else if (m.op === 'delete') out = out.filter((_, i) => i !== m.field % out.length);
    else out = [...out, out[m.field % out.length]];
  }
  return out;
}

/** A path parameter: valid, or hostile text short enough for the URL to stay under Node's 16 KiB header limit. */
function inside(node: JNode, at: number, value: JNode): JNode {
  if (node.k === 'arr') return node.items.length === 0 ? arr([value]) : arr(node.items.map((item, i) => (i === at % node.items.length ? value : item)));
  if (node.k === 'obj') return node.entries.length === 0 ? obj([['x', value]]) : obj(node.entries.map(([k, v], i) => [k, i === at % node.entries.length ? value : v]));
  return value;
}

const pathParam = (kind: 'USER' | 'GROUP' | 'UID'): fc.Arbitrary<JNode> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constant(ref(kind === 'USER' ? 'user' : kind === 'GROUP' ? 'group' : 'uid')) },
    { weight: 2, arbitrary: fc.oneof(unsafeString, anyString(), fc.constantFrom('__proto__', 'constructor', 'NaN', '-1', ' ', 'a'.repeat(65), 'b'.repeat(2_000))).map(s) },
  );
/** Raw (not encoded) path segments: malformed percent-encoding, dot segments, an empty one. */
const rawSegment = fc.constantFrom('%', '%E0%A4%A', '%00', '%ED%A0%80', '..', '.', '', '%2e%2e', '%2F', 'a%2Fb', '%C0%AF');

const optionalEntries = (fields: JsonRoute['fields']): fc.Arbitrary<[string, JNode][]> => {
  const names = Object.keys(fields);
  if (names.length === 0) return fc.constant([]);
  return fc.tuple(...names.map((name) => fc.tuple(fc.constant(name), fields[name].valid, fields[name].optional ? fc.boolean() : fc.constant(true)))).map((list) =>
    list.filter(([, , keep]) => keep).map(([name, value]): [string, JNode] => [name, value]),
  );
};

const jsonRouteCase = (route: JsonRoute): fc.Arbitrary<RequestCase> =>
  fc
    .record({
      segments: fc.tuple(...route.path.map((p) => (p === 'USER' || p === 'GROUP' || p === 'UID' ? fc.oneof({ weight: 6, arbitrary: pathParam(p) }, { weight: 1, arbitrary: rawSegment }) : fc.constant(p)))),
      entries: optionalEntries(route.fields),
      mutations: fc.oneof({ weight: 2, arbitrary: fc.constant<FieldMutation[]>([]) }, { weight: 5, arbitrary: fc.array(fieldMutation(hostileJson), { minLength: 1, maxLength: 3 }) }),
      shape: fc.oneof(
        { weight: 12, arbitrary: fc.constant('object' as const) },
        { weight: 1, arbitrary: fc.constantFrom('array' as const, 'random' as const, 'raw' as const, 'none' as const, 'form' as const, 'proto' as const) },
      ),
      random: jsonNode,
      rawText: fc.constantFrom('{', '{"a":1,}', "{'a':1}", 'null', '"x"', '1', '[]', '\ufeff{}', '{"a":NaN}', '{"\\u0000":1}', '{"a":"\\ud800"}', '', '{"__proto__":{"admin":true}}', '{"a":1}{"b":2}'),
      auth: route.family === 'admin' ? fc.constantFrom<AuthKind>('admin', 'admin', 'admin', 'admin-bad', 'missing') : authKind,
      contentType: contentTypeFor('json'),
      contentEncoding: fc.oneof({ weight: 15, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'x-unknown', 'identity') }),
    })
    .map((r): RequestCase => {
      const entries = applyMutations(r.entries, r.mutations);
      const body: BodySpec =
        route.method === 'GET' && r.shape !== 'raw'
          ? { k: 'none' }
          : r.shape === 'object'
            ? { k: 'json', node: obj(entries) }
            : r.shape === 'array'
              ? { k: 'json', node: arr([obj(entries)]) }
              : r.shape === 'random'
                ? { k: 'json', node: r.random }
                : r.shape === 'raw'
                  ? { k: 'raw', text: r.rawText }
                  : r.shape === 'form'
                    ? { k: 'form', fields: entries.map(([k, v]) => [s(k), v]), plus: false }
                    : r.shape === 'proto'
                      ? { k: 'json', node: obj([['__proto__', obj(entries)], ['constructor', obj([['prototype', obj(entries)]])]]) }
                      : { k: 'none' };
      const ops = r.mutations.map((m) => m.op).join('+') || 'valid';
      return {
        label: `${route.method} /${route.path.join('/')}:${r.shape}:${ops}`,
        family: route.family,
        app: route.app ?? 'http',
        method: route.method,
        path: r.segments,
        auth: r.auth,
        body,
        contentType: r.shape === 'form' ? 'application/x-www-form-urlencoded' : r.contentType,
        contentEncoding: r.contentEncoding,
      };
    });

const serverCase = (path: string): fc.Arbitrary<RequestCase> => {
  const params = SERVER_ENDPOINTS[path];
  const names = Object.keys(params);
  return fc
    .record({
      values: fc.tuple(...names.map((n) => fc.tuple(fc.constant(n), formValid[params[n]], fc.boolean()))),
      mutations: fc.oneof({ weight: 2, arbitrary: fc.constant<FieldMutation[]>([]) }, { weight: 5, arbitrary: fc.array(fieldMutation(hostileFormValue), { minLength: 1, maxLength: 3 }) }),
      plus: fc.boolean(),
      shape: fc.oneof({ weight: 14, arbitrary: fc.constant('form' as const) }, { weight: 1, arbitrary: fc.constantFrom('json' as const, 'raw' as const, 'none' as const, 'bytes' as const) }),
      rawText: fc.constantFrom('userId=%', 'userId=%E0%A4%A', 'a=1&&&=&==', 'userId=u1&userId', '%00=%00', 'userId=u%00', 'userId=%ED%A0%80', '=', '&', 'content=%7B%22a%22%3A' + '%5B'.repeat(3000)),
      bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }),
      auth: authKind,
      contentType: contentTypeFor('form'),
    })
    .map((r): RequestCase => {
      const required = r.values.flatMap(([name, vals, keep]) => (keep || name === names[0] ? vals.map((v): [string, JNode] => [name, v]) : []));
      const entries = applyMutations(required, r.mutations);
      const body: BodySpec =
        r.shape === 'form'
          ? { k: 'form', fields: entries.map(([k, v]) => [s(k), v]), plus: r.plus }
          : r.shape === 'json'
            ? { k: 'json', node: obj(entries) }
            : r.shape === 'raw'
              ? { k: 'raw', text: r.rawText }
              : r.shape === 'bytes'
                ? { k: 'bytes', bytes: r.bytes }
                : { k: 'none' };
      const ops = r.mutations.map((m) => m.op).join('+') || 'valid';
      return {
        label: `POST /${path}.json:${r.shape}:${ops}`,
        family: 'server',
        app: 'http',
        method: 'POST',
        path: `${path}.json`.split('/'),
        auth: r.auth,
        body,
        contentType: r.shape === 'json' ? 'application/json' : r.contentType,
      };
    });
};

const authKind: fc.Arbitrary<AuthKind> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('signed' as const) },
  { weight: 2, arbitrary: fc.constantFrom<AuthKind>('signed-rc', 'signed-seconds', 'signed-upper') },
  { weight: 3, arbitrary: fc.constantFrom<AuthKind>('bad-signature', 'missing', 'partial', 'unknown-app', 'garbage') },
);

const contentTypeFor = (kind: 'json' | 'form'): fc.Arbitrary<string | null | undefined> =>
  fc.oneof(
    { weight: 14, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<string | null>(
        null,
        'text/plain',
        kind === 'json' ? 'application/x-www-form-urlencoded' : 'application/json',
        'application/json; charset=utf-16',
        'application/json; charset=koi8-r',
        'application/x-www-form-urlencoded; charset=iso-8859-1',
        'multipart/form-data; boundary=x',
        'application/*',
        '\u00e9/\u00e9',
      ),
    },
  );

/** Requests to paths that do not exist, and known paths with the wrong method. */
const strayCase: fc.Arbitrary<RequestCase> = fc
  .record({
    target: fc.constantFrom<[string, string, ApiFamily]>(
      ['GET', 'v2/x', 'unknown'],
      ['POST', 'v1/users', 'unknown'],
      ['GET', 'admin', 'unknown'],
      ['POST', 'foo/bar.json', 'server'],
      ['POST', 'user/getToken', 'unknown'],
      ['POST', 'user/getToken.JSON', 'unknown'],
      ['POST', 'user/getToken.json/x', 'unknown'],
      ['POST', 'user/getToken.xml', 'unknown'],
      ['GET', 'user/getToken.json', 'unknown'],
      ['PUT', 'message/private/publish.json', 'unknown'],
      ['DELETE', 'group/create.json', 'unknown'],
      ['PATCH', 'user/block.json', 'unknown'],
      ['POST', 'User/GetToken.json', 'unknown'],
      ['PUT', 'v1/settings', 'mgmt'],
      ['DELETE', 'v1/settings', 'mgmt'],
      ['POST', 'v1/settings', 'mgmt'],
      ['GET', 'v1/tokens/revoke', 'mgmt'],
      ['DELETE', 'v1/groups', 'mgmt'],
      ['GET', 'admin/v1/apps', 'admin'],
      ['PUT', 'admin/v1/apps', 'admin'],
      ['POST', 'internal/v1/messages/batch', 'internal'],
      ['GET', 'internal/v1/streams/events', 'internal'],
      ['POST', 'v1/../v1/settings', 'mgmt'],
      ['GET', 'v1//settings', 'mgmt'],
      ['GET', 'openapi.json', 'unknown'],
      ['POST', 'openapi.json', 'unknown'],
      ['GET', '%', 'unknown'],
      ['GET', '%00', 'unknown'],
    ),
    query: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('__proto__[x]=1', 'a=%00', 'a=%', 'constructor.prototype.x=1', 'a[b][c][d][e][f]=1', 'x='.repeat(200)) }),
    auth: fc.oneof(authKind, fc.constantFrom<AuthKind>('internal-bad', 'admin')),
    body: fc.oneof(fc.constant<BodySpec>({ k: 'none' }), jsonNode.map((node): BodySpec => ({ k: 'json', node })), fc.constant<BodySpec>({ k: 'raw', text: 'userId=u1' })),
  })
  .map(({ target: [method, path, family], query, auth, body }) => ({
    label: `stray:${method} /${path}`,
    family: family as ApiFamily,
    app: 'http' as const,
    method,
    path: path.split('/'),
    query,
    auth,
    body: method === 'GET' && body.k === 'json' ? { k: 'none' as const } : body,
  }));

/** Bodies over the limits: 512 KiB for JSON routes, 1 MiB for the Server API; with a length, chunked, or announced and cut off. */
const oversizeCase: fc.Arbitrary<RequestCase> = fc
  .record({
    route: fc.constantFrom(
      { family: 'mgmt' as const, method: 'POST', path: 'v1/groups', as: 'json' as const },
      { family: 'mgmt' as const, method: 'PATCH', path: 'v1/settings', as: 'json' as const },
      { family: 'mgmt' as const, method: 'POST', path: 'v1/users/USER/tokens', as: 'json' as const },
      { family: 'admin' as const, method: 'POST', path: 'admin/v1/apps', as: 'json' as const },
      { family: 'server' as const, method: 'POST', path: 'message/private/publish.json', as: 'form' as const },
      { family: 'server' as const, method: 'POST', path: 'group/create.json', as: 'form' as const },
    ),
    n: fc.oneof(fc.constantFrom(512 * 1024 + 1, 600 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024), fc.integer({ min: 500 * 1024, max: 2 * 1024 * 1024 })),
    transfer: fc.constantFrom('length' as const, 'chunked' as const, 'truncated' as const),
    auth: fc.constantFrom<AuthKind>('signed', 'signed', 'missing'),
  })
  .map(({ route, n, transfer, auth }) => ({
    label: `oversize:${route.method} /${route.path}:${transfer}`,
    family: route.family,
    app: route.path === 'v1/settings' ? ('settings' as const) : ('http' as const),
    method: route.method,
    path: route.path.split('/').map((p) => (p === 'USER' ? ref('user') : p)),
    auth: route.family === 'admin' ? ('admin' as const) : auth,
    body: { k: 'big' as const, n, as: route.as, transfer },
  }));

/** Every kind of request the fuzz sends, weighted. */
export const requestCase: fc.Arbitrary<RequestCase> = fc.oneof(
  { weight: 40, arbitrary: fc.constantFrom(...JSON_ROUTES).chain(jsonRouteCase) },
  { weight: 45, arbitrary: fc.constantFrom(...Object.keys(SERVER_ENDPOINTS)).chain(serverCase) },
  { weight: 8, arbitrary: strayCase },
  { weight: 3, arbitrary: oversizeCase },
);
