import type { NextFunction, Request, Response } from 'express';
import { MalformedFormError, parseForm, type FormFields } from './form';

/** Larger bodies are refused with 1508; the content itself is limited by the app's `maxContentBytes`. */
export const SERVER_API_BODY_LIMIT_BYTES = 1024 * 1024;

/** What the reader leaves on the request for the Server API handlers. */
export type ServerApiBody = { form: FormFields } | { problem: 'too_large' | 'malformed'; detail: string };
export type ServerApiRequest = Request & { serverApiBody?: ServerApiBody };

const SERVER_API_PATH = /^\/[A-Za-z]+(\/[A-Za-z]+)*\.json$/;

/**
 * Reads the body of `POST /{path}.json` itself, before the app-wide body parsers (which then see a
 * consumed stream and skip it): the form needs its repeated keys kept, and an oversize or broken
 * body must still get a JSON answer with a Server API code rather than the parser's error page.
 * The content type is not checked (rongcloud-sdk always sends form encoding; others may omit it).
 */
export function readServerApiBody(req: Request, _res: Response, next: NextFunction): void {
  if (req.method !== 'POST' || !SERVER_API_PATH.test(req.path)) {
    next();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= SERVER_API_BODY_LIMIT_BYTES) chunks.push(chunk);
  });
  req.on('error', next);
  req.on('end', () => {
    const target = req as ServerApiRequest;
    if (size > SERVER_API_BODY_LIMIT_BYTES) {
      target.serverApiBody = { problem: 'too_large', detail: `request body is ${size} bytes; at most ${SERVER_API_BODY_LIMIT_BYTES}` };
    } else {
      try {
        target.serverApiBody = { form: parseForm(Buffer.concat(chunks).toString('utf8')) };
      } catch (err) {
        if (!(err instanceof MalformedFormError)) throw err;
        target.serverApiBody = { problem: 'malformed', detail: err.message };
      }
    }
    next();
  });
}
