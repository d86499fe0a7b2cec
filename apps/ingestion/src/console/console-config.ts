import { z } from 'zod';

const DEFAULT_SERVICE_URLS = 'session=http://127.0.0.1:3001,fanout=http://127.0.0.1:3002,recall=http://127.0.0.1:3003,compensation=http://127.0.0.1:3004';

/** `name=url,name=url`: the services whose applied settings version the console shows. */
const serviceUrlsSchema = z
  .string()
  .transform((text, ctx) => {
    const entries: { name: string; url: string }[] = [];
    for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
      const match = /^([a-z][a-z0-9-]{0,31})=(https?:\/\/[^\s,]+)$/.exec(part);
      if (!match || !URL.canParse(match[2])) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not name=http(s)://host:port` });
        return z.NEVER;
      }
      entries.push({ name: match[1], url: match[2].replace(/\/+$/, '') });
    }
    return entries;
  });

/** Environment of the console and demo pages (ingestion). */
export const consoleConfigShape = {
  /** The session gateway URL the demo page's devices connect to (what a browser can reach). */
  CONSOLE_GATEWAY_URL: z
    .url({ protocol: /^wss?$/, error: 'must be a ws:// or wss:// URL' })
    .default('ws://127.0.0.1:3001/ws'),
  /** Services asked (internal token) which settings version they apply, for the console's "took effect". */
  CONSOLE_SERVICE_URLS: serviceUrlsSchema.default(serviceUrlsSchema.parse(DEFAULT_SERVICE_URLS)),
};
