import { SESSION_NAME_PATTERN, splitSessionPath } from '../common/session-name.js';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';
import * as Swagger from '@nestjs/swagger';
import { openApiComponents } from '../common/shapes.js';
import { SERVICE_NAME, SERVICE_VERSION } from '../common/service.js';
import { docRecords } from './doc-decorators.js';

/* Build time only (src/openapi.build.ts): the generator is loaded here and nowhere in the server. */

const DESCRIPTION = `REST API of a WhatsApp account linked as a device (whatsapp-web.js).

Errors are always \`{ "ok": false, "error": { "code", "message" } }\`. With \`WHATSAPP_API_KEY\` set, every route
needs the key as \`X-Api-Key: <key>\` or \`Authorization: Bearer <key>\`, except liveness and readiness
(\`GET /health\`, \`GET /health/ready\`) and the QR page's key form. In a browser, the cookie that form sets
(\`POST /qr/login\`) also opens the QR page, this document and Swagger UI at \`/docs\`.

For AI agents the same operations are MCP tools at \`/mcp\` (JSON-RPC 2.0 over Streamable HTTP, see
https://modelcontextprotocol.io/specification).`;

/** Applies the recorded doc decorators (doc-decorators.ts) as the real ones, once. */
let replayed = false;
function replayDocDecorators(): void {
  if (replayed) return;
  replayed = true;
  for (const { decorator, args, target, key, descriptor } of docRecords()) {
    const real = (Swagger[decorator] as (...options: unknown[]) => (...on: unknown[]) => unknown)(...args);
    if (key === undefined) real(target);
    else real(target, key, descriptor);
  }
}

/**
 * The document, scanned from the controllers' and DTOs' decorators, with the answer shapes (declared
 * in zod in their features) as its components. `toolNames`: the MCP tools, for /mcp's description.
 */
export function buildOpenApiDocument(app: NestExpressApplication, toolNames: string[]): Swagger.OpenAPIObject {
  replayDocDecorators();
  const config = new Swagger.DocumentBuilder()
    .setTitle(SERVICE_NAME)
    .setVersion(SERVICE_VERSION)
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
    .addTag('sandbox', 'The simulated phone of a sandbox (WHATSAPP_SANDBOX=true); these routes do not exist outside one (404)')
    .build();
  const document = Swagger.SwaggerModule.createDocument(app, config);
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...openApiComponents() } };
  liveness(document);
  perSession(document);
  const mcp = document.paths['/mcp']?.post;
  if (mcp) mcp.description = `${mcp.description} Tools: ${toolNames.join(', ')}.`;
  return document;
}

/**
 * One handler serves GET / and GET /health, so they share their decorators; only /health answers
 * without the key (showing `{ state, ready }` then), which the document says here.
 */
function liveness(document: Swagger.OpenAPIObject): void {
  const health = document.paths['/health']?.get;
  if (!health?.responses) return;
  health.security = [{}, { api_key: [] }, { bearer: [] }];
  delete health.responses['401'];
}

/**
 * Each per-account route is served a second time as `/api/sessions/{session}/...` (one handler; the
 * routing middleware records the session): the document lists that form beside the `default` one.
 */
function perSession(document: Swagger.OpenAPIObject): void {
  const parameter = {
    name: 'session',
    in: 'path' as const,
    required: true,
    description: 'The session (account); `/api/...` without it acts on `default`.',
    schema: { type: 'string', pattern: SESSION_NAME_PATTERN.source },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    const split = splitSessionPath(`/api/sessions/{session}${path.slice('/api'.length)}`);
    if (!path.startsWith('/api/') || !split || split.path !== path) continue;
    const copy: Swagger.PathItemObject = {};
    for (const [method, operation] of Object.entries(item) as [keyof Swagger.PathItemObject, Swagger.OperationObject][]) {
      const errors = { ...operation.responses, '404': { $ref: '#/components/responses/SessionNotFound' } };
      copy[method] = {
        ...operation,
        operationId: `${operation.operationId}_session`,
        parameters: [parameter, ...(operation.parameters ?? [])],
        responses: errors,
      } as never;
    }
    document.paths[`/api/sessions/{session}${path.slice('/api'.length)}`] = copy;
  }
  document.components = {
    ...document.components,
    responses: {
      ...document.components?.responses,
      SessionNotFound: {
        description: 'There is no session with that name (`session_not_found`), or the route found nothing',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
      },
    },
  };
}

interface SwaggerUi {
  buildSwaggerHTML(baseUrl: string, options: object): string;
  buildSwaggerInitJS(document: object, options: object): string;
  getSwaggerAssetsAbsoluteFSPath(): string;
}

/** Swagger UI as files: its page (for /docs and /docs/), its init script holding the document, its assets folder. */
export async function buildSwaggerUi(document: Swagger.OpenAPIObject) {
  // The page builders are the ones SwaggerModule.setup serves; the package does not export them by name.
  const entry = createRequire(import.meta.url).resolve('@nestjs/swagger');
  const ui = (await import(pathToFileURL(join(dirname(entry), 'swagger-ui', 'index.js')).href)) as SwaggerUi;
  const options = {
    customSiteTitle: `${SERVICE_NAME} API`,
    // The validator badge would load an image from validator.swagger.io, which the CSP refuses.
    swaggerOptions: { validatorUrl: null },
  };
  return {
    page: ui.buildSwaggerHTML('./docs/', options),
    pageAtSlash: ui.buildSwaggerHTML('./', options),
    init: ui.buildSwaggerInitJS(document, options),
    assets: ui.getSwaggerAssetsAbsoluteFSPath(),
  };
}
