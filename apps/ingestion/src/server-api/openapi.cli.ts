import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from './openapi';

/** `npm run contracts:openapi`: regenerates docs/openapi.json from the endpoint definitions. */
const target = join(__dirname, '..', '..', '..', '..', '..', 'docs', 'openapi.json');
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
process.stdout.write(`${JSON.stringify({ msg: 'openapi written', target })}\n`);
