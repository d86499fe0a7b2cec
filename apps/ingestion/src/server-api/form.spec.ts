import { MalformedFormError, parseForm } from './form';

describe('parseForm', () => {
  it('reads a body rongcloud-sdk 3.1.1 sent (captured), %20 as a space', () => {
    const form = parseForm(
      'objectName=RC%3ATxtMsg&content=%7B%22content%22%3A%22hello%20from%20smoke%20test%22%7D&pushContent=hello&isIncludeSender=1&isPersisted=1&isCounted=1&fromUserId=smoke-u1&toUserId=smoke-u2',
    );
    expect(form.first('objectName')).toBe('RC:TxtMsg');
    expect(JSON.parse(form.first('content')!)).toEqual({ content: 'hello from smoke test' });
    expect(form.all('toUserId')).toEqual(['smoke-u2']);
    expect(form.first('isIncludeSender')).toBe('1');
  });

  it('keeps every value of a repeated key, in order, wherever the repeats are', () => {
    const form = parseForm('userId=smoke-u1&groupId=g1&userId=smoke-u2&groupName=Smoke%20Group&userId=u3');
    expect(form.all('userId')).toEqual(['smoke-u1', 'smoke-u2', 'u3']);
    expect(form.first('userId')).toBe('smoke-u1');
    expect(form.all('missing')).toEqual([]);
  });

  it('decodes + as a space, and %2B as a plus', () => {
    const form = parseForm('name=Ann+Lee&token=a%2Bb%2F%3D&content=%7B%22t%22%3A%22x+y%22%7D');
    expect(form.first('name')).toBe('Ann Lee');
    expect(form.first('token')).toBe('a+b/=');
    expect(JSON.parse(form.first('content')!)).toEqual({ t: 'x y' });
  });

  it('reads a key without = as an empty value, skips empty pairs, and decodes UTF-8', () => {
    const form = parseForm('&flag&name=%E5%BC%A0%E4%B8%89&&');
    expect(form.first('flag')).toBe('');
    expect(form.first('name')).toBe('张三');
    expect(form.names()).toEqual(['flag', 'name']);
  });

  it('an empty body has no fields', () => {
    expect(parseForm('').isEmpty).toBe(true);
  });

  it('refuses broken percent-encoding', () => {
    expect(() => parseForm('name=%E5%BC')).toThrow(MalformedFormError);
  });
});
