import { splitBySize } from './event-producer';

const m = (key: string, size: number) => ({ key, value: 'x'.repeat(size) });

describe('splitBySize (produce requests under the broker record-batch limit)', () => {
  it('cuts consecutive parts of at most the bound, keeping order; a record over it goes alone', () => {
    const parts = splitBySize([m('a', 4), m('b', 4), m('c', 4), m('d', 20), m('e', 1)], 10);
    expect(parts.map((p) => p.map((r) => r.key))).toEqual([['a', 'b'], ['c'], ['d'], ['e']]);
  });

  it('64 copies of a 120 KiB message go in requests of at most 256 Ki characters', () => {
    const parts = splitBySize(Array.from({ length: 64 }, (_, i) => m(`u${i}`, 120 * 1024)), 256 * 1024);
    expect(parts.every((p) => p.reduce((n, r) => n + r.key.length + r.value.length, 0) <= 256 * 1024)).toBe(true);
    expect(parts.flat().map((r) => r.key)).toEqual(Array.from({ length: 64 }, (_, i) => `u${i}`));
  });
});
