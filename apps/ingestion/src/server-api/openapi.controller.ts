import { Controller, Get } from '@nestjs/common';
import { buildOpenApiDocument } from './openapi';

/** `GET /openapi.json`: the Server API description (the same document as docs/openapi.json). */
@Controller()
export class OpenApiController {
  private readonly document = buildOpenApiDocument();

  @Get('openapi.json')
  get() {
    return this.document;
  }
}
