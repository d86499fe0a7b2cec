import { z } from 'zod';
import { consoleConfigShape } from './console-config';

const schema = z.object(consoleConfigShape);

describe('console configuration', () => {
  it('defaults to the local gateway and the four other services on their local ports', () => {
    const config = schema.parse({});
    expect(config.CONSOLE_GATEWAY_URL).toBe('ws://127.0.0.1:3001/ws');
    expect(config.CONSOLE_SERVICE_URLS).toEqual([
      { name: 'session', url: 'http://127.0.0.1:3001' },
      { name: 'fanout', url: 'http://127.0.0.1:3002' },
      { name: 'recall', url: 'http://127.0.0.1:3003' },
      { name: 'compensation', url: 'http://127.0.0.1:3004' },
    ]);
  });

  it('takes ws:// and wss:// gateway URLs and refuses anything else', () => {
    expect(schema.parse({ CONSOLE_GATEWAY_URL: 'wss://msync.example.com/ws' }).CONSOLE_GATEWAY_URL).toBe('wss://msync.example.com/ws');
    for (const bad of ['http://127.0.0.1:3001/ws', 'javascript:alert(1)', 'not a url', '']) {
      expect(schema.safeParse({ CONSOLE_GATEWAY_URL: bad }).success).toBe(false);
    }
  });

  it('parses name=url lists and refuses malformed entries', () => {
    expect(schema.parse({ CONSOLE_SERVICE_URLS: 'session-a=http://gw-a:3001/, session-b=https://gw-b' }).CONSOLE_SERVICE_URLS).toEqual([
      { name: 'session-a', url: 'http://gw-a:3001' },
      { name: 'session-b', url: 'https://gw-b' },
    ]);
    for (const bad of ['session', 'session=ftp://x', '=http://x', 'Session=http://x', 'session=http://a b']) {
      expect(schema.safeParse({ CONSOLE_SERVICE_URLS: bad }).success).toBe(false);
    }
  });
});
