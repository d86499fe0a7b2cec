import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { DomainError } from '@msync/contracts';
import { capMessage, isDependencyUnavailable, loggerFor } from '@msync/service-kit';
import type { AppRequest } from '../auth/app-signature.guard';
import { RcCode, ServerApiError, toServerApiError } from './server-api-error';

/** Every Server API failure as `{code, errorMessage}` with the HTTP status of the code; never an HTML page. */
@Catch()
export class ServerApiExceptionFilter implements ExceptionFilter {
  private readonly log = loggerFor('ServerApi');

  catch(error: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<AppRequest>();
    let answer: ServerApiError;
    if (error instanceof ServerApiError) answer = error;
    else if (error instanceof DomainError) answer = toServerApiError(error);
    else if (error instanceof HttpException && error.getStatus() < 500) answer = new ServerApiError(RcCode.PARAMETER, error.message);
    else if (isDependencyUnavailable(error)) {
      this.log.warn({ err: error, appKey: req.msyncApp?.appKey, path: req.path }, 'a dependency is unavailable; answered 503');
      answer = new ServerApiError(RcCode.INTERNAL, 'service unavailable; retry later', 503);
    } else {
      const errorId = randomUUID();
      this.log.error({ err: error, errorId, appKey: req.msyncApp?.appKey, path: req.path }, 'Server API request failed');
      answer = new ServerApiError(RcCode.INTERNAL, `internal error (id ${errorId})`);
    }
    if (res.headersSent) return;
    if (answer.code !== RcCode.INTERNAL) this.log.info({ appKey: req.msyncApp?.appKey, path: req.path, code: answer.code }, 'Server API request refused');
    res.status(answer.httpStatus).json({ code: answer.code, errorMessage: capMessage(answer.message) });
  }
}
