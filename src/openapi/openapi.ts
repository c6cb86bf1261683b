import { readFileSync } from 'node:fs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SERVICE_NAME } from '../health/health.service.js';
import { LivenessStatusSchema } from './schemas.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

const DESCRIPTION = `REST API of a WhatsApp account linked as a device (whatsapp-web.js).

Errors are always \`{ "ok": false, "error": { "code", "message" } }\`. With \`WHATSAPP_API_KEY\` set, every route
needs the key as \`X-Api-Key: <key>\` or \`Authorization: Bearer <key>\`, except liveness and readiness
(\`GET /health\`, \`GET /health/ready\`) and the QR page's key form. In a browser, the cookie that form sets
(\`POST /qr/login\`) also opens the QR page, this document and Swagger UI at \`/docs\`.

For AI agents the same operations are MCP tools at \`/mcp\` (JSON-RPC 2.0 over Streamable HTTP, see
https://modelcontextprotocol.io/specification).`;

/** The document, scanned from the controllers' and DTOs' decorators. */
export function buildOpenApiDocument(app: NestExpressApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(SERVICE_NAME)
    .setVersion(VERSION)
    .setDescription(DESCRIPTION)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'api_key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The API key as a bearer token' }, 'bearer')
    .addSecurityRequirements('api_key')
    .addSecurityRequirements('bearer')
    .addTag('auth', 'Linking the account: status, start, pairing code, logout')
    .addTag('messaging', 'Sending and reading')
    .addTag('qr', 'The QR code, as a page and as JSON')
    .addTag('health', 'Liveness and readiness')
    .addTag('mcp', 'The MCP endpoint for AI agents')
    .addTag('metrics', 'Prometheus metrics')
    .build();
  // Reached only through a oneOf (HealthAnswer.status), which the scanner does not follow.
  const document = SwaggerModule.createDocument(app, config, { extraModels: [LivenessStatusSchema] });
  liveness(document);
  return document;
}

/**
 * One handler serves GET / and GET /health, so they share their decorators; only /health answers
 * without the key (showing `{ state, ready }` then), which the document says here.
 */
function liveness(document: OpenAPIObject): void {
  const health = document.paths['/health']?.get;
  if (!health?.responses) return;
  health.security = [{}, { api_key: [] }, { bearer: [] }];
  delete health.responses['401'];
}

/**
 * /openapi.json and Swagger UI at /docs. Both are plain routes behind the security middleware, so
 * they need the key like the rest (or, in a browser, the QR page's cookie). Swagger UI's page loads its scripts from /docs/*.js (the
 * document is in /docs/swagger-ui-init.js), so the CSP can allow scripts from 'self' alone.
 */
export function setupOpenApi(app: NestExpressApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: OPENAPI_PATH,
    raw: ['json'],
    customSiteTitle: `${SERVICE_NAME} API`,
    swaggerOptions: {
      // The validator badge would load an image from validator.swagger.io, which the CSP refuses.
      validatorUrl: null,
    },
  });
}
