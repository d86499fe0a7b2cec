import { MAX_INPUT_DEPTH, findInputProblem, isJsonObject, isStorableText } from './input-safety';

const nested = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('input safety', () => {
  it.each([
    ['NUL', 'a\u0000b', false],
    ['lone high surrogate', 'a\ud800', false],
    ['lone low surrogate', '\udc00b', false],
    ['surrogate pair (emoji)', 'ok \ud83d\ude00', true],
    ['plain text', 'héllo 世界', true],
  ])('%s', (_name, text, storable) => {
    expect(isStorableText(text)).toBe(storable);
  });

  it('finds NUL in keys and nested values, with a path', () => {
    expect(findInputProblem({ a: [{ b: 'x\u0000' }] })).toMatchObject({ path: 'a[0].b', kind: 'unsafe_text' });
    expect(findInputProblem({ ['k\u0000']: 1 })).toMatchObject({ kind: 'unsafe_text' });
    expect(findInputProblem({ a: ['fine', 1, null, true] })).toBeUndefined();
  });

  it('bounds depth without recursion (20,000 deep does not overflow)', () => {
    expect(findInputProblem(nested(MAX_INPUT_DEPTH))).toBeUndefined();
    expect(findInputProblem(nested(MAX_INPUT_DEPTH + 1))).toMatchObject({ kind: 'too_deep' });
    expect(findInputProblem(nested(20_000))).toMatchObject({ kind: 'too_deep' });
  });

  it('knows a JSON object from null and arrays', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject('x')).toBe(false);
  });
});
