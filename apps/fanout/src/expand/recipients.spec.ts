import { recipientsOf, type Audience } from './recipients';

const event = (over: Partial<Audience> & { type?: 'private' | 'group' }): Audience => ({
  conversationType: over.type ?? 'private',
  senderId: 'alice',
  targetId: over.type === 'group' ? 'g1' : 'bob',
  includeSender: true,
  ...over,
});

describe('recipientsOf', () => {
  it('private: recipient and sender; without includeSender only the recipient', () => {
    expect(recipientsOf(event({}), undefined).sort()).toEqual(['alice', 'bob']);
    expect(recipientsOf(event({ includeSender: false }), undefined)).toEqual(['bob']);
  });

  it('group: members at send time plus the sender, each once', () => {
    expect(recipientsOf(event({ type: 'group' }), ['alice', 'bob', 'carol']).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(recipientsOf(event({ type: 'group', includeSender: false }), ['alice', 'bob']).sort()).toEqual(['bob']);
  });

  it('targeted group message: only the named members (who are members)', () => {
    expect(recipientsOf(event({ type: 'group', includeSender: false, toUserIds: ['bob', 'mallory'] }), ['alice', 'bob', 'carol'])).toEqual(['bob']);
  });
});
