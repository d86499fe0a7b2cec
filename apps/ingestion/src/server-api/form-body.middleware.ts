import type { NextFunction, Request, Response } from 'express';
import { MalformedFormError, parseForm, type FormFields } from './form';
import { RcCode, ServerApiError } from './server-api-error';

/** Larger bodies are refused with 1508; the content itself is limited by the app's `maxContentBytes`. */
export const SERVER_API_BODY_LIMIT_BYTES = 1024 * 1024;

/** What the reader leaves on the request for the Server API handlers. */
export type ServerApiBody = { form: FormFields } | { problem: 'malformed'; detail: string };
export type ServerApiRequest = Request & { serverApiBody?: ServerApiBody };

// Case-insensitive, as Nest's routing is: `/user/getToken.JSON` is the same route.
const SERVER_API_PATH = /^\/[A-Za-z]+(\/[A-Za-z]+)*\.json$/i;

/**
 * Reads the body of `POST /{path}.json` itself, before the app-wide body parsers (which then see a
 * consumed stream and skip it): the form needs its repeated keys kept, and an oversize or broken
 * body must still get a JSON answer with a Server API code rather than the parser's error page.
 * The content type is not checked (rongcloud-sdk always sends form encoding; others may omit it).
 * A body over the limit is answered 413/1508 at once, signed or not, without reading the rest.
 */
export function readServerApiBody(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'POST' || !SERVER_API_PATH.test(req.path)) {
    next();
    return;
  }
  const tooLarge = () => {
    const answer = new ServerApiError(RcCode.BODY_TOO_LARGE, `request body over ${SERVER_API_BODY_LIMIT_BYTES} bytes`);
    res.setHeader('connection', 'close');
    res.status(answer.httpStatus).json({ code: answer.code, errorMessage: answer.message });
  };
  if (Number(req.headers['content-length']) > SERVER_API_BODY_LIMIT_BYTES) {
    tooLarge();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size <= SERVER_API_BODY_LIMIT_BYTES) {
      chunks.push(chunk);
      return;
    }
    req.off('data', onData);
    req.off('end', onEnd);
    req.pause();
    tooLarge();
  };
  const onEnd = () => {
    const target = req as ServerApiRequest;
    try {
      target.serverApiBody = { form: parseForm(Buffer.concat(chunks).toString('utf8')) };
    } catch (err) {
      // An event handler must not throw: anything unexpected goes to the error filter.
      if (!(err instanceof MalformedFormError)) return next(err);
      target.serverApiBody = { problem: 'malformed', detail: err.message };
    }
    next();
  };
  req.on('data', onData);
  req.on('error', next);
  req.on('end', onEnd);
}
