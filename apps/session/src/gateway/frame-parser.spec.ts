import { parseClientFrame } from './frame-parser';

const text = (s: string) => Buffer.from(s, 'utf8');
const codeOf = (s: string) => {
  const parsed = parseClientFrame(text(s), false);
  return parsed.ok ? 'ok' : parsed.error.code;
};

describe('parseClientFrame', () => {
  it.each([
    ['null', 'malformed_frame'],
    ['42', 'malformed_frame'],
    ['"t"', 'malformed_frame'],
    ['[]', 'malformed_frame'],
    ['{', 'malformed_frame'],
    [`{"t":${'['.repeat(5000)}${']'.repeat(5000)}}`, 'malformed_frame'],
    ['{"t":"nope"}', 'unknown_frame_type'],
    ['{}', 'unknown_frame_type'],
    ['{"t":"ack","seq":-1}', 'invalid_field'],
    ['{"t":"ping","id":"\\u0000"}', 'invalid_field'],
    ['{"t":"ping","id":"p","__proto__":1}', 'invalid_field'],
    ['{"t":"ping","id":"p"}', 'ok'],
  ])('%s -> %s', (frame, code) => {
    expect(codeOf(frame)).toBe(code);
  });

  it('refuses binary frames', () => {
    const parsed = parseClientFrame(text('{"t":"ping"}'), true);
    expect(parsed.ok ? 'ok' : parsed.error.code).toBe('malformed_frame');
  });

  it('echoes an id only when it could be a request id, and never embeds the value in the message', () => {
    const long = parseClientFrame(text(`{"t":"nope","id":"${'x'.repeat(65)}"}`), false);
    expect(long.ok ? undefined : long.id).toBeUndefined();
    const typed = parseClientFrame(text('{"t":"send","id":"s1","secret":"leak-me"}'), false);
    expect(typed).toMatchObject({ ok: false, id: 's1', type: 'send' });
    expect(typed.ok ? '' : typed.error.message).not.toContain('leak-me');
  });
});
