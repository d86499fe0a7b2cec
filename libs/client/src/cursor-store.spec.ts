import { MemoryCursorStore, WebStorageCursorStore } from './cursor-store';

describe('MemoryCursorStore', () => {
  it('loads null for a new device, then what was saved', async () => {
    const store = new MemoryCursorStore();
    expect(await store.load()).toBeNull();
    await store.save(5);
    await store.save(9);
    expect(await store.load()).toBe(9);
    expect(store.saved).toEqual([5, 9]);
    expect(await new MemoryCursorStore(3).load()).toBe(3);
  });
});

describe('WebStorageCursorStore', () => {
  it('keeps the cursor under its key and treats garbage as no cursor', async () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    const store = new WebStorageCursorStore(storage, 'msync:alice:dev-1');
    expect(await store.load()).toBeNull();
    await store.save(42);
    expect(map.get('msync:alice:dev-1')).toBe('42');
    expect(await store.load()).toBe(42);
    map.set('msync:alice:dev-1', 'oops');
    expect(await store.load()).toBeNull();
  });
});
