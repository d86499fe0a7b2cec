import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Endpoints, routeOf } from './endpoints';
import { OpenApiController } from './openapi.controller';

describe('Server API OpenAPI document', () => {
  const served = JSON.parse(JSON.stringify(new OpenApiController().get()));

  it('docs/openapi.json is what the service serves (run `npm run contracts:openapi` after an endpoint change)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'openapi.json'), 'utf8'));
    expect(committed).toEqual(served);
  });

  it('describes every endpoint as a form POST with its required parameters and every error status', () => {
    expect(Object.keys(served.paths).sort()).toEqual(Object.values(Endpoints).map((e) => `/${routeOf(e)}`).sort());
    const publish = served.paths['/message/private/publish.json'].post;
    const form = publish.requestBody.content['application/x-www-form-urlencoded'];
    expect(form.schema.required).toEqual(['fromUserId', 'toUserId', 'objectName', 'content']);
    expect(form.schema.properties.toUserId).toMatchObject({ type: 'array', maxItems: 1000 });
    expect(form.encoding.toUserId).toEqual({ style: 'form', explode: true });
    expect(Object.keys(publish.responses).sort()).toEqual(['200', '400', '401', '403', '413', '429', '500']);
    expect(served.components.responses.Error401.content['application/json'].schema.allOf[1].properties.code.enum).toEqual([1004]);
  });
});
