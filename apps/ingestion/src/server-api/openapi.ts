import { Endpoints, routeOf, type Endpoint } from './endpoints';
import { RcCode, rcHttpStatus } from './server-api-error';

const errorMeaning: Record<Exclude<RcCode, 200>, string> = {
  1000: 'internal error',
  1002: 'parameter missing or invalid; unknown group or message',
  1003: 'no POST data',
  1004: 'signature wrong, App-Key unknown, or (strict mode) stale timestamp or reused nonce',
  1005: 'parameter longer than allowed',
  1006: 'app disabled',
  1008: 'rate limit of the app exceeded (setting serverApiRatePerSecond)',
  1501: 'parameter of the wrong type',
  1502: 'too many values (recipients, groups, users)',
  1508: 'content larger than the app’s maxContentBytes, or body over 1 MiB',
};

function operation(e: Endpoint) {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, param] of Object.entries(e.params)) {
    properties[name] = param.schema();
    if (param.required) required.push(name);
  }
  const answer = e.answer as { properties: Record<string, unknown>; required?: string[] };
  const statuses = [...new Set(Object.values(rcHttpStatus))].sort();
  return {
    post: {
      operationId: e.path.replace(/\/(\w)/g, (_, c: string) => c.toUpperCase()),
      tags: [e.tag],
      summary: e.summary,
      security: [{ AppKey: [], Nonce: [], Timestamp: [], Signature: [] }],
      requestBody: {
        required: required.length > 0,
        content: {
          'application/x-www-form-urlencoded': {
            schema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}) },
            encoding: Object.fromEntries(Object.entries(properties).filter(([, s]) => (s as { type: string }).type === 'array').map(([n]) => [n, { style: 'form', explode: true }])),
          },
        },
      },
      responses: {
        '200': {
          description: 'Success.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { code: { type: 'integer', enum: [200] }, ...answer.properties },
                required: ['code', ...(answer.required ?? [])],
              },
            },
          },
        },
        ...Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/Error${s}` }])),
      },
    },
  };
}

/** The OpenAPI 3.1 document of the Server API, generated from the endpoint definitions (checked in as docs/openapi.json). */
export function buildOpenApiDocument(): Record<string, unknown> {
  const byStatus = new Map<number, number[]>();
  for (const [code, status] of Object.entries(rcHttpStatus)) byStatus.set(status, [...(byStatus.get(status) ?? []), Number(code)]);
  const header = (name: string, description: string) => ({ type: 'apiKey', in: 'header', name, description });
  return {
    openapi: '3.1.0',
    info: {
      title: 'msync Server API (RongCloud/Nexconn-compatible subset)',
      version: '1.0.0',
      description:
        'Served by the ingestion service: POST {base}/{path}.json with a form-encoded body (repeated keys for lists). ' +
        'Every request is signed: Signature = lowercase hex SHA1(AppSecret + Nonce + Timestamp); the RC- prefixed header names are accepted too. ' +
        'See docs/server-api.md. Generated from apps/ingestion/src/server-api/endpoints.ts (npm run contracts:openapi); do not edit by hand.',
    },
    servers: [{ url: 'http://127.0.0.1:3000' }],
    paths: Object.fromEntries(Object.values(Endpoints).map((e) => [`/${routeOf(e)}`, operation(e)])),
    components: {
      securitySchemes: {
        AppKey: header('App-Key', 'The app key (or RC-App-Key).'),
        Nonce: header('Nonce', 'Any string (or RC-Nonce); no length limit.'),
        Timestamp: header('Timestamp', 'Epoch seconds or milliseconds (or RC-Timestamp). Checked only in strict mode (±5 minutes).'),
        Signature: header('Signature', 'hex SHA1(AppSecret + Nonce + Timestamp) (or RC-Signature).'),
      },
      schemas: {
        Error: {
          type: 'object',
          properties: { code: { type: 'integer', description: 'Business code.' }, errorMessage: { type: 'string' } },
          required: ['code', 'errorMessage'],
        },
      },
      responses: Object.fromEntries(
        [...byStatus].map(([status, codes]) => [
          `Error${status}`,
          {
            description: codes.map((c) => `${c}: ${errorMeaning[c as Exclude<RcCode, 200>]}`).join('; '),
            content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/Error' }, { properties: { code: { enum: codes } } }] } } },
          },
        ]),
      ),
    },
  };
}
