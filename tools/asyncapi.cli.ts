import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAsyncApiDocument } from '@msync/contracts';

/** `npm run contracts:asyncapi`: regenerates docs/asyncapi.json from libs/contracts. */
const target = join(__dirname, '..', '..', 'docs', 'asyncapi.json');
writeFileSync(target, `${JSON.stringify(buildAsyncApiDocument(), null, 2)}\n`);
process.stdout.write(`${JSON.stringify({ msg: 'asyncapi written', target })}\n`);
