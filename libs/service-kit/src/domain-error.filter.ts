import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { throwError } from 'rxjs';
import type { Response } from 'express';
import { DomainError, ErrorCodes, httpStatusOf } from '@msync/contracts';
import { isDependencyUnavailable } from './dependency-errors';
import { loggerFor } from './logger';

/** An answer names the problem; it never hands a large input back to its sender. */
const MAX_MESSAGE_CHARS = 500;

export function capMessage(message: string): string {
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}...` : message;
}

/** What body-parser throws for a body it refuses (`type` tells which). */
interface BodyParserError {
  type: string;
  status?: number;
}

const isBodyParserError = (err: unknown): err is BodyParserError =>
  typeof err === 'object' && err !== null && typeof (err as BodyParserError).type === 'string' && typeof (err as BodyParserError).status === 'number';

/**
 * Maps a body that the parsers refused to a stable code: too large (413 `body_too_large`, answered
 * before the rest is read), not JSON (400 `malformed_frame`), an unsupported charset or encoding.
 */
export function bodyParserFailure(err: BodyParserError): DomainError {
  switch (err.type) {
    case 'entity.too.large':
      return new DomainError(ErrorCodes.BODY_TOO_LARGE, 'request body over the limit of this route');
    case 'entity.parse.failed':
      return new DomainError(ErrorCodes.MALFORMED_FRAME, 'request body is not valid JSON');
    default:
      return new DomainError(ErrorCodes.MALFORMED_FRAME, `request body refused (${err.type.slice(0, 40)})`);
  }
}

/**
 * Maps errors to `{code, message}` JSON once for every HTTP API: a DomainError keeps its code and
 * status; a dependency that is down is 503 `unavailable` (retry); anything else is a 500 with an
 * error id that is also logged.
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly log = loggerFor('DomainErrorFilter');

  catch(error: unknown, host: ArgumentsHost) {
    // A Kafka handler's error goes back to the transport as it is: its class decides retry or dead letter.
    if (host.getType() !== 'http') return throwError(() => error);
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (error instanceof DomainError) return this.answer(res, error);
    if (isBodyParserError(error)) {
      // The rest of a refused body is not read: the connection cannot be reused.
      if (error.type === 'entity.too.large') res.setHeader('connection', 'close');
      return this.answer(res, bodyParserFailure(error));
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code = status === 404 ? 'not_found' : status === 413 ? ErrorCodes.BODY_TOO_LARGE : status < 500 ? ErrorCodes.INVALID_FIELD : ErrorCodes.INTERNAL;
      res.status(status).json({ code, message: capMessage(error.message) });
      return;
    }
    if (isDependencyUnavailable(error)) {
      this.log.warn({ err: error }, 'a dependency is unavailable; answered 503');
      return this.answer(res, new DomainError(ErrorCodes.UNAVAILABLE, 'a service this request needs is unavailable; retry later'));
    }
    const errorId = randomUUID();
    this.log.error({ err: error, errorId }, 'unhandled error');
    res.status(500).json({ code: ErrorCodes.INTERNAL, message: 'internal error', errorId });
  }

  private answer(res: Response, error: DomainError): void {
    const details = error.details && JSON.stringify(error.details).length <= MAX_MESSAGE_CHARS ? { details: error.details } : {};
    res.status(httpStatusOf[error.code]).json({ code: error.code, message: capMessage(error.message), ...details });
  }
}
