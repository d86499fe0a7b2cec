import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAsyncApiDocument } from './asyncapi';
import { fullTopicManifest, Topics } from './topics';

describe('AsyncAPI document', () => {
  it('docs/asyncapi.json is what the code generates (run `npm run contracts:asyncapi` after a contract change)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'asyncapi.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildAsyncApiDocument())));
  });

  it('names every topic with a version suffix and gives each a dead-letter topic', () => {
    const names = fullTopicManifest().map((t) => t.name);
    for (const name of names) expect(name).toMatch(/\.v\d+$/);
    for (const topic of Object.values(Topics)) {
      if (topic !== Topics.appSettings) expect(names).toContain(topic.replace(/\.v1$/, '.dlq.v1'));
    }
  });
});
