import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

/**
 * What `npm run build` writes (src/openapi.build.ts): the document and Swagger UI. src/openapi and
 * dist/openapi both sit two levels below the package root, so tests from the sources serve the build too.
 */
export const BUILT_DOCS = new URL('../../dist/docs/', import.meta.url);
export const DOCS_FILES = { document: 'openapi.json', page: 'index.html', pageAtSlash: 'index-slash.html', init: 'swagger-ui-init.js' };

const NOT_BUILT = { ok: false, error: { code: 'not_found', message: 'The API documentation was not built: run npm run build.' } };

function serve(name: string, type: string) {
  return async (_request: Request, response: Response) => {
    const body = await readFile(new URL(name, BUILT_DOCS)).catch(() => null);
    if (!body) return void response.status(404).json(NOT_BUILT);
    response.type(type).send(body);
  };
}

/**
 * /openapi.json and Swagger UI at /docs, served as built files: the generator (@nestjs/swagger) is
 * never loaded by the server. Both are plain routes behind the security middleware, so they need the
 * key like the rest (or, in a browser, the QR page's cookie). Swagger UI's page loads its scripts from
 * /docs/*.js (the document is in /docs/swagger-ui-init.js), so the CSP can allow scripts from 'self' alone.
 */
export function setupOpenApi(app: NestExpressApplication): void {
  const http = app.getHttpAdapter().getInstance();
  http.get(OPENAPI_PATH, serve(DOCS_FILES.document, 'application/json'));
  http.get(`${DOCS_PATH}/swagger-ui-init.js`, serve(DOCS_FILES.init, 'application/javascript'));
  const page = serve(DOCS_FILES.page, 'text/html');
  const pageAtSlash = serve(DOCS_FILES.pageAtSlash, 'text/html');
  // As Swagger UI's own setup: the page's relative links differ with and without the trailing slash.
  http.get(DOCS_PATH, (request: Request, response: Response) => (request.path.endsWith('/') ? pageAtSlash : page)(request, response));
  http.get(`${DOCS_PATH}/index.html`, page);
  app.useStaticAssets(fileURLToPath(BUILT_DOCS), { prefix: DOCS_PATH, index: false });
}
