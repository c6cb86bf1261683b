import type { NestExpressApplication } from '@nestjs/platform-express';

/** Serves the OpenAPI document at /openapi.json and Swagger UI at /docs (filled in by issue 7). */
export function setupOpenApi(app: NestExpressApplication): void {
  void app;
}
