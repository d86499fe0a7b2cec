import { Coalescer } from './coalescer';

describe('Coalescer', () => {
  it('sends a lone item at once and batches items that arrive while a flush runs', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const firstFlushDone = new Promise<void>((r) => (release = r));
    const c = new Coalescer<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await firstFlushDone;
    });
    const first = c.add(1);
    const rest = [c.add(2), c.add(3), c.add(4)];
    expect(batches).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every item of a failed batch and keeps working', async () => {
    let fail = true;
    const c = new Coalescer<number>(async () => {
      if (fail) throw new Error('down');
    });
    await expect(c.add(1)).rejects.toThrow('down');
    fail = false;
    await expect(c.add(2)).resolves.toBeUndefined();
  });

  it('with a window, waits that long after the first item and sends what came meanwhile together', async () => {
    jest.useFakeTimers();
    try {
      const batches: number[][] = [];
      const c = new Coalescer<number>(async (items) => void batches.push(items), 1000, { windowMs: 500 });
      const sent = [c.add(1), c.add(2)];
      await jest.advanceTimersByTimeAsync(499);
      sent.push(c.add(3));
      expect(batches).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      await Promise.all(sent);
      expect(batches).toEqual([[1, 2, 3]]);
      const later = c.add(4);
      await jest.advanceTimersByTimeAsync(500);
      await later;
      expect(batches).toEqual([[1, 2, 3], [4]]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('with sameTurn, waits for the callers of this event-loop turn: one flush for items added across microtasks', async () => {
    const batches: number[][] = [];
    const c = new Coalescer<number>(async (items) => void batches.push(items), 1000, { sameTurn: true });
    const first = c.add(1);
    await Promise.resolve();
    const second = c.add(2);
    await Promise.all([first, second]);
    expect(batches).toEqual([[1, 2]]);
  });

  it('caps a batch at maxBatch', async () => {
    const sizes: number[] = [];
    const c = new Coalescer<number>(async (items) => {
      sizes.push(items.length);
      await new Promise((r) => setTimeout(r, 1));
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => c.add(n)));
    expect(sizes).toEqual([1, 2, 2]);
  });
});

describe('Coalescer with results', () => {
  it('hands each caller its own result from the merged batch', async () => {
    const c = new Coalescer<number[], number[]>(async (items) => items.map((list) => list.map((n) => n * 10)));
    const [a, b] = await Promise.all([c.add([1, 2]), c.add([3])]);
    expect(a).toEqual([10, 20]);
    expect(b).toEqual([30]);
  });

  it('bounds a batch by bytes as well, and sends an item over the bound alone', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const firstFlushDone = new Promise<void>((r) => (release = r));
    const c = new Coalescer<number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await firstFlushDone;
      },
      100,
      { bytes: { size: (n) => n, maxBytes: 10 } },
    );
    const all = [c.add(1), c.add(4), c.add(5), c.add(2), c.add(30), c.add(3)];
    release();
    await Promise.all(all);
    expect(batches).toEqual([[1], [4, 5], [2], [30], [3]]);
  });
});
