/**
 * A JSON value as the fuzzer builds it, before it is rendered to text. Plain data (so fast-check can
 * shrink and print it), with what JSON.stringify cannot express: verbatim number text (`1e400`, `-0`),
 * duplicate keys, nesting thousands of levels deep, strings of a given size, and references to values
 * only known at run time (a valid token, a peer, a message UID).
 */
export type JNode =
  | { k: 'lit'; v: string | number | boolean | null }
  /** Verbatim text, e.g. `1e400`, `-0`, `123456789012345678901234567890`, or something that is not JSON at all. */
  | { k: 'raw'; text: string }
  | { k: 'arr'; items: JNode[] }
  /** Entries in order; a key may repeat. */
  | { k: 'obj'; entries: [string, JNode][] }
  /** `depth` levels of `[` or `{"a":` around `leaf`, rendered without recursion. */
  | { k: 'deep'; depth: number; shape: 'array' | 'object'; leaf: JNode }
  /** A JSON string of `n` times `ch`. */
  | { k: 'pad'; n: number; ch: string }
  | { k: 'ref'; name: RefName };

/** Values the runner fills in when it sends (a lane's token, a peer user, a message it sent, ...). */
export type RefName =
  | 'token'
  | 'tokenOtherApp'
  | 'tokenExpired'
  | 'tokenRevoked'
  | 'tokenBlocked'
  | 'self'
  | 'peer'
  | 'group'
  | 'groupNotMember'
  | 'groupMissing'
  | 'ownUid'
  | 'otherUid'
  | 'fresh'
  | 'appKey'
  | 'user'
  | 'uid';

export type RefResolver = (name: RefName) => string;

export const lit = (v: string | number | boolean | null): JNode => ({ k: 'lit', v });
export const raw = (text: string): JNode => ({ k: 'raw', text });
export const ref = (name: RefName): JNode => ({ k: 'ref', name });
export const obj = (entries: [string, JNode][]): JNode => ({ k: 'obj', entries });
export const arr = (items: JNode[]): JNode => ({ k: 'arr', items });

/** Renders to JSON text (or not-JSON, for `raw`). Only the `deep` node can be deep, and it is not recursive. */
export function renderNode(node: JNode, resolve: RefResolver): string {
  switch (node.k) {
    case 'lit':
      // JSON.stringify escapes lone surrogates (\ud800) and NUL (\u0000): the receiver parses them back.
      return node.v === null ? 'null' : typeof node.v === 'number' && !Number.isFinite(node.v) ? 'null' : JSON.stringify(node.v);
    case 'raw':
      return node.text;
    case 'arr':
      return `[${node.items.map((i) => renderNode(i, resolve)).join(',')}]`;
    case 'obj':
      return `{${node.entries.map(([key, value]) => `${JSON.stringify(key)}:${renderNode(value, resolve)}`).join(',')}}`;
    case 'deep': {
      const leaf = renderNode(node.leaf, resolve);
      return node.shape === 'array' ? '['.repeat(node.depth) + leaf + ']'.repeat(node.depth) : '{"a":'.repeat(node.depth) + leaf + '}'.repeat(node.depth);
    }
    case 'pad':
      return JSON.stringify(node.ch.repeat(node.n));
    case 'ref':
      return JSON.stringify(resolve(node.name));
  }
}

/** A short human-readable form for reports: long strings and deep nesting summarised. */
export function describeNode(node: JNode, budget = 400): string {
  const text = describe(node);
  return text.length > budget ? `${text.slice(0, budget)}...(${text.length} chars)` : text;
}

function describe(node: JNode): string {
  switch (node.k) {
    case 'lit':
      return typeof node.v === 'string' ? quote(node.v) : String(node.v);
    case 'raw':
      return `raw(${quote(node.text)})`;
    case 'arr':
      return `[${node.items.map(describe).join(',')}]`;
    case 'obj':
      return `{${node.entries.map(([k, v]) => `${quote(k)}:${describe(v)}`).join(',')}}`;
    case 'deep':
      return `${node.shape === 'array' ? '[' : '{"a":'}x${node.depth} ${describe(node.leaf)}`;
    case 'pad':
      return `"${node.ch === '\u0000' ? '\\u0000' : node.ch}"x${node.n}`;
    case 'ref':
      return `<${node.name}>`;
  }
}

/** JSON-quoted, long strings shortened, with NUL and lone surrogates visible as escapes. */
export function quote(text: string, max = 80): string {
  const cut = text.length > max ? `${text.slice(0, max)}...(${text.length})` : text;
  return JSON.stringify(cut);
}

/** Reads an object node's entry (the last one wins, as JSON.parse does). */
export function entryOf(node: JNode, key: string): JNode | undefined {
  if (node.k !== 'obj') return undefined;
  for (let i = node.entries.length - 1; i >= 0; i--) if (node.entries[i][0] === key) return node.entries[i][1];
  return undefined;
}
