import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles from 200 ms up to 10 s by default, with the delay in [d/2, d]', () => {
    const low = new Backoff({}, () => 0);
    expect(Array.from({ length: 9 }, () => low.next())).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
    const high = new Backoff({}, () => 1);
    expect(Array.from({ length: 9 }, () => high.next())).toEqual([200, 400, 800, 1600, 3200, 6400, 10000, 10000, 10000]);
  });

  it('counts attempts and resets', () => {
    const b = new Backoff({ initialMs: 10, maxMs: 1000, factor: 3 }, () => 1);
    expect([b.next(), b.next(), b.next()]).toEqual([10, 30, 90]);
    expect(b.attempt).toBe(3);
    b.reset();
    expect(b.attempt).toBe(0);
    expect(b.next()).toBe(10);
  });

  it('jitters within the bounds', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 100 });
    const delays = Array.from({ length: 200 }, () => b.next());
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...delays)).toBeLessThanOrEqual(100);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });

  it('rejects nonsense options', () => {
    expect(() => new Backoff({ initialMs: 0 })).toThrow(RangeError);
    expect(() => new Backoff({ initialMs: 500, maxMs: 100 })).toThrow(RangeError);
    expect(() => new Backoff({ factor: 0.5 })).toThrow(RangeError);
  });
});
