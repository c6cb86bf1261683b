import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { TOO_DEEP } from '../../src/common/json-depth.js';
import { createTestApp, type TestApp } from '../app-harness.js';

/*
 * Its own file: nestjs-pino keeps one root logger per process (per Jest test file), so the app whose
 * logs are checked must be the first one booted here.
 */

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

const BODY_METHODS = ['post', 'put', 'patch', 'delete'];

/** Every route of the app that can take a body, read from the Express router, so a new route is covered. */
function bodyRoutes(t: TestApp): Array<[string, string]> {
  const stack = (t.app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } }).router.stack;
  // Catch-alls (`{/*splat}`, e.g. for OPTIONS) are not routes of ours.
  const routes = stack.flatMap(({ route }) => (route && !route.path.includes('*') ? [route] : []));
  return routes.flatMap(({ path, methods }) =>
    Object.keys(methods)
      .filter((method) => BODY_METHODS.includes(method))
      .map((method): [string, string] => [method, path]),
  );
}

// About 20 KB each, far under the 1 MiB limit.
const DEEP_BODIES = {
  objects: `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
  arrays: `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
  'a deep field beside valid ones': `{"phone_number":"15551234567","message":"hi","extra":${'['.repeat(5_000)}${']'.repeat(5_000)}}`,
};

describe('a JSON body nested 5,000 levels deep', () => {
  let t: TestApp;
  const logs: string[] = [];

  beforeAll(async () => {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    t = await createTestApp({ LOG_LEVEL: 'info' }, { logger: pino({ level: 'info' }, stream) });
    await t.pair();
  });

  afterAll(async () => {
    await t?.app.close();
  });

  it('finds the JSON routes of the app', () => {
    expect(bodyRoutes(t)).toEqual(
      expect.arrayContaining([
        ['post', '/api/send'],
        ['post', '/api/messages'],
        ['post', '/api/pairing-code'],
        ['post', '/mcp'],
      ]),
    );
  });

  it.each(Object.entries(DEEP_BODIES))('%s: 400 invalid_input on every route, no stack in the log', async (_kind, body) => {
    const routes = bodyRoutes(t);
    for (const [method, path] of routes) {
      const http = request(t.app.getHttpServer());
      const res = await http[method as 'post'](path.replace(/:\w+/g, 'x'))
        .set('Content-Type', 'application/json')
        .set('Accept', 'application/json, text/event-stream')
        .send(body);
      const expected =
        path === '/mcp'
          ? { jsonrpc: '2.0', error: { code: -32000, message: TOO_DEEP }, id: null }
          : { ok: false, error: { code: 'invalid_input', message: TOO_DEEP } };
      expect({ route: `${method.toUpperCase()} ${path}`, status: res.status, body: res.body }).toEqual({
        route: `${method.toUpperCase()} ${path}`,
        status: 400,
        body: expected,
      });
    }
    expect(t.fake.sent).toEqual([]);
    const entries = logs
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(entries.filter((entry) => entry.level >= 50)).toEqual([]);
    expect(logs.join('')).not.toMatch(/Maximum call stack|\n\s+at /);
  });
});
