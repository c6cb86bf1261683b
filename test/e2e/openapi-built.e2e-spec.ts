import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../server-process.js';
import { tempDir } from '../temp-dirs.js';

/*
 * Issue 10: the OpenAPI document is built by `npm run build`, and the running server serves it as a
 * file without ever loading the generator (@nestjs/swagger costs ~56 MB of RSS). Proved on the built
 * server, with a hook that records every module it resolves.
 */

const SWAGGER = /\/node_modules\/@nestjs\/swagger\//;

it('the built server serves /openapi.json and /docs without loading @nestjs/swagger', async () => {
  const log = join(tempDir('wa-imports-'), 'imports.log');
  const server = await startServer({ IMPORT_PROBE_LOG: log }, ['node', '--import', './test/import-probe/register.mjs', 'dist/main.js']);
  try {
    const document = await fetch(`${server.url}/openapi.json`);
    expect(document.status).toBe(200);
    expect(((await document.json()) as { info: { title: string } }).info.title).toBe('whatsapp-mcp-api');
    const page = await fetch(`${server.url}/docs`);
    expect({ status: page.status, type: page.headers.get('content-type') }).toEqual({
      status: 200,
      type: expect.stringMatching(/text\/html/),
    });
    const init = await fetch(`${server.url}/docs/swagger-ui-init.js`);
    expect(await init.text()).toContain('"title": "whatsapp-mcp-api"');
  } finally {
    await server.stop();
  }
  expect(existsSync(log)).toBe(true);
  const loaded = readFileSync(log, 'utf8').split('\n');
  // The probe sees the server's own dependencies, so an absent generator is a real absence.
  expect(loaded.some((url) => url.includes('/node_modules/@nestjs/core/'))).toBe(true);
  expect(loaded.filter((url) => SWAGGER.test(url))).toEqual([]);
}, 60_000);
