import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Endpoint } from './endpoints';
import type { ServerApiRequest } from './form-body.middleware';
import { readParams, type ParamSet, type ParamValues } from './params';
import { RcCode, ServerApiError } from './server-api-error';

/** The validated parameters of the endpoint; throws the Server API error of the first bad one. */
export function paramsOf<S extends ParamSet>(endpoint: Endpoint<S>, req: ServerApiRequest): ParamValues<S> {
  const body = req.serverApiBody;
  if (!body) throw new ServerApiError(RcCode.NO_POST_DATA, 'no POST data');
  if ('problem' in body) throw new ServerApiError(RcCode.PARAMETER, body.detail);
  return readParams(endpoint.params, body.form);
}

/** The raw request, for `paramsOf`. */
export const ServerApiReq = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<ServerApiRequest>());
