import { newMessageUid } from './message-uid';

describe('newMessageUid', () => {
  it('is the time in base 36, a dash and 12 base-36 random characters, in time order', () => {
    const a = newMessageUid(1_700_000_000_000);
    const b = newMessageUid(1_700_000_000_001);
    expect(a).toMatch(/^[0-9A-Z]{9}-[0-9A-Z]{12}$/);
    expect(a.slice(0, 9) < b.slice(0, 9)).toBe(true);
  });

  it('does not repeat across many refills of the random pool', () => {
    const uids = new Set(Array.from({ length: 20_000 }, () => newMessageUid(0)));
    expect(uids.size).toBe(20_000);
  });
});
