import { TypedEmitter } from './typed-emitter';

interface Events {
  tick: [n: number];
  done: [];
}

class Ticker extends TypedEmitter<Events> {
  fire<K extends keyof Events>(event: K, ...args: Events[K]): void {
    this.emit(event, ...args);
  }
}

describe('TypedEmitter', () => {
  it('calls listeners in order; off and the returned function remove them; once fires once', () => {
    const t = new Ticker();
    const seen: string[] = [];
    const a = (n: number) => seen.push(`a${n}`);
    t.on('tick', a);
    const offB = t.on('tick', (n) => seen.push(`b${n}`));
    t.once('tick', (n) => seen.push(`once${n}`));
    t.on('done', () => seen.push('done'));
    t.fire('tick', 1);
    t.off('tick', a);
    offB();
    t.fire('tick', 2);
    t.fire('done');
    expect(seen).toEqual(['a1', 'b1', 'once1', 'done']);
    expect(t.listenerCount('tick')).toBe(0);
  });

  it('a throwing listener does not stop the others; its error surfaces on a later tick', async () => {
    jest.useFakeTimers();
    try {
      const t = new Ticker();
      const seen: number[] = [];
      t.on('tick', () => {
        throw new Error('listener bug');
      });
      t.on('tick', (n) => seen.push(n));
      expect(() => t.fire('tick', 1)).not.toThrow();
      expect(seen).toEqual([1]);
      expect(() => jest.runOnlyPendingTimers()).toThrow('listener bug');
    } finally {
      jest.useRealTimers();
    }
  });
});
