import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError, ErrorCodes, findInputProblem } from '@msync/contracts';

/**
 * Runs before every route's own guards: no body field, path parameter or query value may nest too
 * deep or carry text PostgreSQL cannot store (the route's schema checks the rest). A failure is
 * that request's `invalid_field` (Server API 1002) and nothing else happens.
 */
@Injectable()
export class InputSafetyGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    for (const [part, value] of [
      ['body', req.body],
      ['path', req.params],
      ['query', req.query],
    ] as const) {
      const problem = findInputProblem(value);
      if (problem) throw new DomainError(ErrorCodes.INVALID_FIELD, `${part} ${problem.message}`);
    }
    return true;
  }
}
