import { ExpiringKeySet } from './expiring-key-set';

describe('ExpiringKeySet', () => {
  it('remembers a key for its TTL, then forgets it', () => {
    const keys = new ExpiringKeySet(1000);
    expect(keys.add('app:n', 0)).toBe(true);
    expect(keys.add('app:n', 999)).toBe(false);
    expect(keys.has('app:n', 999)).toBe(true);
    expect(keys.add('other:n', 999)).toBe(true);
    expect(keys.has('app:n', 1000)).toBe(false);
    expect(keys.add('app:n', 1000)).toBe(true);
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const keys = new ExpiringKeySet(60_000, 3);
    for (const k of ['a', 'b', 'c', 'd']) keys.add(k, 0);
    expect(keys.size).toBe(3);
    expect(keys.has('a', 1)).toBe(false);
    expect(keys.has('d', 1)).toBe(true);
  });
});
