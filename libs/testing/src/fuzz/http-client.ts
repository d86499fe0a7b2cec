import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { randomInt } from 'node:crypto';
import { requestSignature } from '@msync/auth';
import { renderNode, type RefResolver } from './json-node';
import type { HttpResult } from './http-oracle';
import { renderForm, renderPath, type AuthKind, type RequestCase } from './requests';
import { TEST_ADMIN_TOKEN } from '../service-process';

export interface SigningApp {
  appKey: string;
  secret: string;
}

const TIMEOUT_MS = 15_000;
const CUT_OFF_WAIT_MS = 5_000;
/** Answers are kept up to this size (an error message may quote a large input); a longer one is marked truncated. */
const MAX_BODY_KEPT = 4 * 1024 * 1024;

/** Signature headers of each kind (fresh nonce each time, so strict mode accepts the valid ones). */
export function authHeaders(kind: AuthKind, app: SigningApp): Record<string, string> {
  const nonce = String(randomInt(0, 2 ** 31 - 1));
  const ms = String(Date.now());
  const sig = (n: string, t: string) => requestSignature(app.secret, n, t);
  switch (kind) {
    case 'signed':
      return { 'App-Key': app.appKey, Nonce: nonce, Timestamp: ms, Signature: sig(nonce, ms) };
    case 'signed-rc':
      return { 'RC-App-Key': app.appKey, 'RC-Nonce': nonce, 'RC-Timestamp': ms, 'RC-Signature': sig(nonce, ms) };
    case 'signed-seconds': {
      const s = String(Math.floor(Date.now() / 1000));
      return { 'App-Key': app.appKey, Nonce: nonce, Timestamp: s, Signature: sig(nonce, s) };
    }
    case 'signed-upper':
      return { 'App-Key': app.appKey, Nonce: nonce, Timestamp: ms, Signature: sig(nonce, ms).toUpperCase() };
    case 'bad-signature':
      return { 'App-Key': app.appKey, Nonce: nonce, Timestamp: ms, Signature: sig(nonce, ms).replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) };
    case 'missing':
      return {};
    case 'partial':
      return { 'App-Key': app.appKey, Signature: sig(nonce, ms) };
    case 'unknown-app':
      return { 'App-Key': 'no-such-app-key', Nonce: nonce, Timestamp: ms, Signature: sig(nonce, ms) };
    case 'garbage':
      return { 'App-Key': `${app.appKey}\u00e9`, Nonce: 'n'.repeat(4000), Timestamp: '-1e400', Signature: 'zz', 'RC-App-Key': '__proto__' };
    case 'admin':
      return { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    case 'admin-bad':
      return { authorization: 'Bearer wrong' };
    case 'internal-bad':
      return { 'x-internal-token': 'wrong' };
  }
}

interface Rendered {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  transfer: 'length' | 'chunked' | 'truncated' | 'none';
}

export function renderRequest(r: RequestCase, app: SigningApp, resolve: RefResolver): Rendered {
  const path = renderPath(r.path, resolve) + (r.query ? `?${r.query}` : '');
  const headers: Record<string, string> = { ...authHeaders(r.auth, app) };
  const b = r.body;
  let body: Buffer | undefined;
  let transfer: Rendered['transfer'] = 'length';
  let defaultType: string | undefined;
  switch (b.k) {
    case 'none':
      transfer = 'none';
      break;
    case 'json':
      body = Buffer.from(renderNode(b.node, resolve));
      defaultType = 'application/json';
      break;
    case 'form':
      body = Buffer.from(renderForm(b.fields, b.plus, resolve));
      defaultType = 'application/x-www-form-urlencoded';
      break;
    case 'raw':
      body = Buffer.from(b.text);
      defaultType = r.family === 'server' ? 'application/x-www-form-urlencoded' : 'application/json';
      break;
    case 'bytes':
      body = Buffer.from(b.bytes);
      defaultType = 'application/x-www-form-urlencoded';
      break;
    case 'big':
      body =
        b.as === 'json'
          ? Buffer.from(`{"name":"${'n'.repeat(Math.max(0, b.n - 12))}"}`)
          : Buffer.from(`userId=u1&groupId=g1&content=${'c'.repeat(Math.max(0, b.n - 30))}`);
      defaultType = b.as === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
      transfer = b.transfer;
      break;
  }
  const type = r.contentType === undefined ? defaultType : r.contentType;
  if (type !== undefined && type !== null) headers['content-type'] = type;
  if (r.contentEncoding) headers['content-encoding'] = r.contentEncoding;
  return { method: r.method, path, headers, body, transfer };
}

/** Sends one request and collects the answer (or what went wrong), never throwing. */
export function sendRequest(port: number, req: Rendered, agent: Agent): Promise<HttpResult> {
  if (req.transfer === 'truncated') return sendCutOff(port, req);
  const started = Date.now();
  return new Promise<HttpResult>((resolve) => {
    let settled = false;
    const done = (r: Omit<HttpResult, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, ms: Date.now() - started });
    };
    const headers = { ...req.headers };
    if (req.transfer === 'length' && req.body) headers['content-length'] = String(req.body.length);
    const r = request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (c: Buffer) => {
        if (kept < MAX_BODY_KEPT) chunks.push(c);
        kept += c.length;
      });
      res.on('end', () => done({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), truncated: kept > MAX_BODY_KEPT }));
      res.on('error', () => done({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('aborted', () => done({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    const timer = setTimeout(() => {
      r.destroy();
      done({ body: '', error: 'timeout', errorDetail: `no answer in ${TIMEOUT_MS} ms` });
    }, TIMEOUT_MS);
    r.on('error', (err: NodeJS.ErrnoException) => done({ body: '', error: err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 'reset' : 'closed', errorDetail: `${err.code ?? ''} ${err.message}` }));
    if (!req.body || req.transfer === 'none') {
      r.end();
      return;
    }
    if (req.transfer === 'chunked') {
      // Several writes without a content-length: Node sends them as chunks.
      const body = req.body;
      const step = 64 * 1024;
      const writeFrom = (offset: number) => {
        while (offset < body.length) {
          const ok = r.write(body.subarray(offset, offset + step));
          offset += step;
          if (!ok) {
            r.once('drain', () => writeFrom(offset));
            return;
          }
        }
        r.end();
      };
      writeFrom(0);
      return;
    }
    r.end(req.body);
  });
}

/** Announces the whole body in content-length, sends half of it, then ends the connection's sending side. */
function sendCutOff(port: number, req: Rendered): Promise<HttpResult> {
  const started = Date.now();
  const body = req.body ?? Buffer.alloc(0);
  return new Promise<HttpResult>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let settled = false;
    let afterCut: NodeJS.Timeout | undefined;
    const done = (error?: HttpResult['error'], detail?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(afterCut);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!m) {
        resolve({ body: '', error: error ?? 'closed', errorDetail: detail ?? 'closed without an answer', ms: Date.now() - started });
        return;
      }
      const split = text.indexOf('\r\n\r\n');
      const head = text.slice(0, split);
      let rest = split >= 0 ? text.slice(split + 4) : '';
      if (/transfer-encoding:\s*chunked/i.test(head)) rest = dechunk(rest);
      resolve({ status: Number(m[1]), headers: { 'content-type': /content-type:\s*([^\r\n]*)/i.exec(head)?.[1] }, body: rest, ms: Date.now() - started });
    };
    const timer = setTimeout(() => done('timeout', `no answer ${CUT_OFF_WAIT_MS} ms after the body was cut off`), TIMEOUT_MS);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => done());
    socket.on('close', () => done());
    socket.on('error', (err: NodeJS.ErrnoException) => done('reset', `${err.code ?? ''} ${err.message}`));
    socket.on('connect', () => {
      const head = [`${req.method} ${req.path} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Length: ${body.length}`, 'Connection: close', ...Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
      socket.write(`${head}\r\n\r\n`);
      socket.write(body.subarray(0, Math.floor(body.length / 2)), () => {
        socket.end();
        afterCut = setTimeout(() => done('timeout', `no answer and no close ${CUT_OFF_WAIT_MS} ms after the body was cut off`), CUT_OFF_WAIT_MS);
      });
    });
  });
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const nl = rest.indexOf('\r\n');
    if (nl < 0) return out;
    const size = parseInt(rest.slice(0, nl), 16);
    if (!size) return out;
    out += rest.slice(nl + 2, nl + 2 + size);
    rest = rest.slice(nl + 2 + size + 2);
  }
}
