import 'reflect-metadata';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { McpTools } from './mcp/mcp-tools.js';
import { BUILT_DOCS, DOCS_FILES } from './openapi/openapi.js';
import { buildOpenApiDocument, buildSwaggerUi } from './openapi/openapi.document.js';
import { OPEN_ACCESS } from './security/access.js';

/**
 * Run by `npm run build` after tsc: creates the app without starting it (no listening, no Chrome),
 * builds the OpenAPI document and Swagger UI, and writes them to dist/docs for the server to serve.
 */
async function main(): Promise<void> {
  // The sandbox's routes are documented although the build never starts a sandbox.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register('documented'), { logger: false });
  const document = buildOpenApiDocument(
    app,
    app
      .get(McpTools)
      .list(OPEN_ACCESS)
      .map((tool) => tool.name),
  );
  const ui = await buildSwaggerUi(document);
  const folder = fileURLToPath(BUILT_DOCS);
  // From scratch, so nothing of an earlier build (or of another swagger-ui-dist) is served.
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  cpSync(ui.assets, folder, { recursive: true, filter: (source) => !/\.(map|md|txt)$|index\.html$|package\.json$|LICENSE$/.test(source) });
  writeFileSync(new URL(DOCS_FILES.document, BUILT_DOCS), JSON.stringify(document));
  writeFileSync(new URL(DOCS_FILES.page, BUILT_DOCS), ui.page);
  writeFileSync(new URL(DOCS_FILES.pageAtSlash, BUILT_DOCS), ui.pageAtSlash);
  writeFileSync(new URL(DOCS_FILES.init, BUILT_DOCS), ui.init);
  await app.close();
}

await main();
