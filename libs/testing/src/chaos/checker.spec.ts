import { checkChaosRun, checkFailures, type ChaosDeviceLog, type ChaosMessage, type StoredStreamEvent } from './checker';

/**
 * The chaos checker on synthetic runs: a clean run passes, and each kind of failure it exists to catch
 * (a missing delivery, a doubled one, a hole, a swap, a second copy of a message) is flagged.
 */
describe('chaos checker', () => {
  // alice (devices a1, a2) and bob (b1) in one private conversation; alice's a1 sends m1, m2, m3 in a lane, bob's b1 sends m4.
  const conversation = 'private:alice:bob';
  const msg = (n: number, lane = 'a1|c', laneIndex = n - 1, sender = 'alice', device = 'a1'): ChaosMessage => ({
    clientMsgId: `c${n}`,
    lane,
    laneIndex,
    conversation,
    senderUser: sender,
    senderDevice: device,
    recipients: ['alice', 'bob'],
    createdAt: n * 10,
    acceptedAt: n * 10 + 5,
    messageUid: `u${n}`,
    answeredUids: [`u${n}`],
  });
  const messages = (): ChaosMessage[] => [msg(1), msg(2), msg(3), msg(4, 'b1|c', 0, 'bob', 'b1')];
  const ev = (seq: number, uid: string, kind: 'event' | 'own' = 'event', type: 'message' | 'recall' = 'message') => ({ seq, kind, type, messageUid: uid, clientMsgId: type === 'message' ? `c${uid.slice(1)}` : undefined, at: seq });
  const devices = (): ChaosDeviceLog[] => [
    { device: 'a1', user: 'alice', startCursor: 0, deliveries: [ev(1, 'u1', 'own'), ev(2, 'u2', 'own'), ev(3, 'u3', 'own'), ev(4, 'u4')] },
    { device: 'a2', user: 'alice', startCursor: 0, deliveries: [ev(1, 'u1'), ev(2, 'u2'), ev(3, 'u3'), ev(4, 'u4')] },
    { device: 'b1', user: 'bob', startCursor: 0, deliveries: [ev(1, 'u1'), ev(2, 'u2'), ev(3, 'u3'), ev(4, 'u4', 'own')] },
  ];
  const rows = (...uids: string[]): StoredStreamEvent[] => uids.map((uid, i) => ({ seq: i + 1, type: 'message', messageUid: uid }));
  const streams = () => ({ alice: rows('u1', 'u2', 'u3', 'u4'), bob: rows('u1', 'u2', 'u3', 'u4') });

  it('passes a clean run', () => {
    const result = checkChaosRun({ messages: messages(), devices: devices(), streams: streams() });
    expect(checkFailures(result)).toEqual([]);
    expect(result).toMatchObject({ sent: 4, accepted: 4, lost: 0, duplicated: 0, gaps: 0, reordered: 0, divergent: 0, stream: { users: 2, events: 8 } });
  });

  it('flags a delivery that never arrived', () => {
    const d = devices();
    d[2].deliveries.pop(); // bob's device never got m4
    const result = checkChaosRun({ messages: messages(), devices: d, streams: streams() });
    expect(result.lost).toBe(1);
    expect(result.examples.lost[0]).toContain('b1: message u4');
    expect(checkFailures(result)).toEqual(['lost: 1']);
  });

  it('flags a message missing from a stored stream', () => {
    const s = streams();
    s.bob = rows('u1', 'u2', 'u3');
    expect(checkChaosRun({ messages: messages(), devices: devices(), streams: s }).stream.lost).toBe(1);
  });

  it('flags a message appended twice (a device applies it at two seqs)', () => {
    const d = devices();
    d[1].deliveries.push(ev(5, 'u2'));
    const s = streams();
    s.alice = rows('u1', 'u2', 'u3', 'u4', 'u2');
    const result = checkChaosRun({ messages: messages(), devices: d, streams: s });
    expect(result.duplicated).toBe(1);
    expect(result.stream.duplicated).toBe(1);
    expect(result.examples.duplicated[0]).toContain('a2: message u2 at seqs 2, 5');
  });

  it('flags a send the server created twice for one clientMsgId', () => {
    const m = messages();
    m[1].answeredUids = ['u2', 'u2b'];
    expect(checkChaosRun({ messages: m, devices: devices() }).duplicated).toBe(1);
    // ...or that it answered once but delivered under another UID as well
    const d = devices();
    d[1].deliveries.push({ seq: 5, kind: 'event', type: 'message', messageUid: 'u9', clientMsgId: 'c2', at: 5 });
    expect(checkChaosRun({ messages: messages(), devices: d }).duplicated).toBe(1);
  });

  it('flags a hole in a stored stream and a jump in what a device applied', () => {
    const s = streams();
    s.alice = [...rows('u1', 'u2'), { seq: 4, type: 'message', messageUid: 'u3' }, { seq: 5, type: 'message', messageUid: 'u4' }];
    expect(checkChaosRun({ messages: messages(), devices: devices(), streams: s }).stream.gaps).toBe(1);
    const d = devices();
    d[1].deliveries = [ev(1, 'u1'), ev(2, 'u2'), ev(4, 'u3'), ev(5, 'u4')];
    expect(checkChaosRun({ messages: messages(), devices: d }).gaps).toBe(1);
  });

  it('flags a lane delivered out of send order and a conversation two devices see in different orders', () => {
    const d = devices();
    d[2].deliveries = [ev(1, 'u2'), ev(2, 'u1'), ev(3, 'u3'), ev(4, 'u4', 'own')];
    const result = checkChaosRun({ messages: messages(), devices: d });
    // the lane (u1 before u2) on b1, and b1 against the reference order of a1
    expect(result.reordered).toBe(2);
    expect(result.examples.reordered.join('\n')).toContain('lane a1|c');
  });

  it('flags devices of one user that applied different events at one seq', () => {
    const d = devices();
    d[1].deliveries = [ev(1, 'u1'), ev(2, 'u2'), ev(3, 'u4'), ev(4, 'u3')];
    const result = checkChaosRun({ messages: messages(), devices: d });
    expect(result.divergent).toBe(2);
  });

  it('checks recalls: one recall event per device, after the message', () => {
    const m = messages();
    m[0].recall = { requestedAt: 100, acceptedAt: 110 };
    const d = devices();
    for (const device of d) device.deliveries.push(ev(5, 'u1', 'event', 'recall'));
    expect(checkFailures(checkChaosRun({ messages: m, devices: d }))).toEqual([]);
    d[0].deliveries.pop();
    d[1].deliveries.push(ev(6, 'u1', 'event', 'recall'));
    const result = checkChaosRun({ messages: m, devices: d });
    expect(result.recalls).toEqual({ accepted: 1, lost: 1, duplicated: 1 });
  });

  it('expects nothing of sends that were never accepted', () => {
    const m = messages();
    m[3] = { ...m[3], acceptedAt: undefined, messageUid: undefined, answeredUids: [], unanswered: true };
    const d = devices().map((device) => ({ ...device, deliveries: device.deliveries.slice(0, 3) }));
    const result = checkChaosRun({ messages: m, devices: d });
    expect(checkFailures(result)).toEqual([]);
    expect(result).toMatchObject({ sent: 4, accepted: 3, unanswered: 1 });
  });
});
