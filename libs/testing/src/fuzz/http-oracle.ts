import { ErrorCodes, httpStatusOf, type ErrorCode } from '@msync/contracts';
import type { Violation } from './ws-oracle';
import type { RequestCase } from './requests';

/** What came back for one request. */
export interface HttpResult {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body: string;
  /** The body was longer than the client keeps (its shape is not checked). */
  truncated?: boolean;
  /** No answer: the deadline passed, or the connection was reset or closed first. */
  error?: 'timeout' | 'reset' | 'closed';
  errorDetail?: string;
  ms: number;
}

/** Server API codes and their HTTP status (docs/server-api.md, Codes). */
export const SERVER_API_STATUS: Readonly<Record<number, number>> = { 1000: 500, 1002: 400, 1003: 400, 1004: 401, 1005: 400, 1006: 403, 1008: 429, 1501: 400, 1502: 400, 1508: 413 };
const MGMT_CODES = new Set<string>(Object.values(ErrorCodes));

/**
 * What a 5xx is grouped by: a cause that any route shares (a Content-Encoding, a charset, an
 * oversize body) when the request had one, otherwise the route.
 */
function causeOf(req: RequestCase, routeLabel: string): string {
  if (req.contentEncoding) return 'any route, Content-Encoding set';
  if (req.contentType && /charset=(?!utf-8)/i.test(req.contentType)) return 'any route, charset other than utf-8';
  if (req.body.k === 'big') return `oversize body (${req.body.as}, ${req.body.transfer === 'length' ? 'content-length' : req.body.transfer})`;
  return routeLabel;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The violations of one answer: no 5xx (every dependency is up), an answer to everything except a
 * body the client cut off itself, and every error in the documented shape of its API:
 * `{code, message}` with an ErrorCodes code and its status on the management API, `{code, errorMessage}`
 * with a documented numeric code and its status on the Server API (a JSON 404 for an unknown path).
 */
export function judgeHttp(req: RequestCase, res: HttpResult, routeLabel: string, sentBody = ''): Violation[] {
  const out: Violation[] = [];
  const v = (cls: string, detail: string) => out.push({ cls, detail });
  const cutOff = req.body.k === 'big' && req.body.transfer === 'truncated';
  const oversize = req.body.k === 'big';
  if (res.status === undefined) {
    // A body the client announced and cut off has nothing to answer; an oversize body may be refused by closing.
    if (cutOff) return out;
    if (oversize && res.error !== 'timeout') return out;
    v(`${res.error === 'timeout' ? 'http:no-answer' : `http:connection-${res.error ?? 'lost'}`}:${routeLabel}`, `${routeLabel}: ${res.errorDetail ?? res.error ?? 'no answer'} after ${res.ms} ms`);
    return out;
  }
  const status = res.status;
  if (status >= 500) v(`http:5xx:${status}:${causeOf(req, routeLabel)}`, `${routeLabel} -> ${status} ${res.body.slice(0, 240)}`);
  // Node answers a body cut off half-way itself (400, no body): only a 5xx is the application's.
  if (cutOff || res.truncated || req.method === 'HEAD' || (req.method === 'OPTIONS' && status < 300)) return out;
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    v(`http:not-json:${status}`, `${routeLabel} -> ${status} ${JSON.stringify(res.body.slice(0, 160))} (content-type ${String(res.headers?.['content-type'])})`);
    return out;
  }
  if (status < 400) {
    if (!isObject(body)) v('http:success-not-object', `${routeLabel} -> ${status} ${res.body.slice(0, 160)}`);
    else if (req.family === 'server' && status === 200 && body.code !== 200) v('http:server-api-success-code', `${routeLabel} -> 200 with code ${JSON.stringify(body.code)}`);
    return out;
  }
  const serverShape = isObject(body) && typeof body.code === 'number' && typeof body.errorMessage === 'string';
  const mgmtShape = isObject(body) && typeof body.code === 'string' && typeof body.message === 'string';
  if (serverShape && (body as { code: number }).code === 1003 && /(^|&)[^&=]+=[^&]/.test(sentBody)) {
    v('http:server-api-body-ignored', `${routeLabel} -> ${status} 1003 "no POST data" for a body of ${sentBody.length} bytes with fields`);
  }
  // Any path can be unknown: a JSON 404 in either shape (docs: "An unknown path is a JSON 404").
  if (status === 404 && (serverShape || mgmtShape)) return out;
  // A stray request (a Server API path with another method, a path in neither API) may be answered in either shape.
  if (req.family === 'unknown' && (serverShape || mgmtShape)) return out;
  if (req.family === 'server') {
    if (!serverShape) {
      v('http:server-api-error-shape', `${routeLabel} -> ${status} ${res.body.slice(0, 200)}`);
      return out;
    }
    const code = (body as { code: number }).code;
    if (SERVER_API_STATUS[code] === undefined) v('http:server-api-undocumented-code', `${routeLabel} -> ${status} code ${code}`);
    else if (SERVER_API_STATUS[code] !== status) v('http:server-api-status-mismatch', `${routeLabel} -> ${status} with code ${code} (documented status ${SERVER_API_STATUS[code]})`);
    return out;
  }
  if (!mgmtShape) {
    v('http:mgmt-error-shape', `${routeLabel} -> ${status} ${res.body.slice(0, 200)}`);
    return out;
  }
  const code = (body as { code: string }).code;
  if (!MGMT_CODES.has(code)) v('http:mgmt-undocumented-code', `${routeLabel} -> ${status} code ${JSON.stringify(code)}`);
  else if (httpStatusOf[code as ErrorCode] !== status) v('http:mgmt-status-mismatch', `${routeLabel} -> ${status} with code ${code} (documented status ${httpStatusOf[code as ErrorCode]})`);
  return out;
}
