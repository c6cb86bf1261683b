import { jest } from '@jest/globals';
import { startServer } from '../server-process.js';

/**
 * A module hook that reports every import of whatsapp-web.js or puppeteer on stderr: the built
 * server is started with it, and an idle server (no client started) must report none.
 */
const REPORT_LIBRARY_IMPORTS =
  'data:text/javascript,import{register}from"node:module";register("data:text/javascript,' +
  'export async function resolve(s,c,n){if(/^(whatsapp-web\\\\.js|puppeteer)/.test(s))console.error(\\"LIBRARY IMPORTED \\"+s);return n(s,c)}")';

jest.setTimeout(60_000);

describe('the library is loaded when the first client starts', () => {
  it('an idle server has not imported whatsapp-web.js or puppeteer; starting a client imports them', async () => {
    // A "Chrome" that exits at once: the start gets as far as loading the library and launching it.
    const server = await startServer({ WHATSAPP_CHROME_EXECUTABLE: '/bin/false' }, [
      'node',
      '--import',
      REPORT_LIBRARY_IMPORTS,
      'dist/main.js',
    ]);
    try {
      const status = await (await fetch(`${server.url}/api/status`)).json();
      expect(status).toMatchObject({ state: 'stopped' });
      expect(server.output()).not.toContain('LIBRARY IMPORTED');
      const started = await fetch(`${server.url}/api/auth/start`, { method: 'POST' });
      expect(started.status).toBe(200);
      await server.waitForOutput(
        /LIBRARY IMPORTED whatsapp-web\.js[\s\S]*LIBRARY IMPORTED puppeteer|LIBRARY IMPORTED puppeteer[\s\S]*LIBRARY IMPORTED whatsapp-web\.js/,
      );
    } finally {
      await server.stop('SIGTERM');
    }
  });
});
