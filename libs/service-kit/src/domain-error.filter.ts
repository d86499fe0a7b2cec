import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { DomainError, ErrorCodes, httpStatusOf } from '@msync/contracts';
import { loggerFor } from './logger';

/**
 * Maps errors to `{code, message}` JSON once for every HTTP API: a DomainError keeps its code and
 * status; anything unexpected is a 500 with an error id that is also logged.
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly log = loggerFor('DomainErrorFilter');

  catch(error: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    if (error instanceof DomainError) {
      res.status(httpStatusOf[error.code]).json({ code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) });
      return;
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code = status === 404 ? 'not_found' : status === 413 ? ErrorCodes.CONTENT_TOO_LARGE : status < 500 ? ErrorCodes.INVALID_FIELD : ErrorCodes.INTERNAL;
      res.status(status).json({ code, message: error.message });
      return;
    }
    const errorId = randomUUID();
    this.log.error({ err: error, errorId }, 'unhandled error');
    res.status(500).json({ code: ErrorCodes.INTERNAL, message: 'internal error', errorId });
  }
}
