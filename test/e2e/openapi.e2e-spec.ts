import { splitSessionPath } from '../../src/common/session-name.js';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { HTTP_STATUS } from '../../src/common/app-exception.filter.js';
import type { ErrorCode } from '../../src/common/app-error.js';
import { createTestApp, type TestApp } from '../app-harness.js';
import { fakeChat, fakeMessage } from '../fake-whatsapp.js';

/* The OpenAPI document (issue 7): complete, valid, true to the answers, and behind the key. */

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  nullable?: boolean;
  [key: string]: unknown;
};
type Media = { schema?: Schema; examples?: Record<string, { value: { ok: boolean; error: { code: string } } }> };
type Operation = {
  operationId: string;
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media>; headers?: Record<string, unknown> }>;
  security?: Record<string, string[]>[];
};
type Document = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Record<string, string>> };
  security: Record<string, string[]>[];
};

/*
 * swagger-parser is CommonJS requiring an ES module (json-schema-ref-parser): Node 20.19+ does that
 * natively, Jest's module system only from Node 24.9. So it runs in a Node process of its own, which
 * also hands it a deep copy of the document (validate and dereference change what they are given).
 */
const PARSER = `
const SwaggerParser = require('@apidevtools/swagger-parser');
let input = '';
process.stdin.on('data', (chunk) => (input += chunk)).on('end', async () => {
  const { action, document } = JSON.parse(input);
  const answer = await SwaggerParser[action](document).then((result) => ({ result }), (error) => ({ error: error.message }));
  process.stdout.write(JSON.stringify(answer));
});`;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function swaggerParser(action: 'validate' | 'dereference', document: unknown): { result?: Document; error?: string } {
  const run = spawnSync(process.execPath, ['-e', PARSER], { cwd: ROOT, input: JSON.stringify({ action, document }), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`swagger-parser did not run: ${run.stderr}`);
  return JSON.parse(run.stdout) as { result?: Document; error?: string };
}

function dereferenced(document: Document): Document {
  const { result, error } = swaggerParser('dereference', document);
  if (!result) throw new Error(`the document does not dereference: ${error}`);
  return result;
}

const KEY = 'test-key-0123456789abcdef';
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The routes of the contract and of our issues; more may be served (all must be documented). */
const CONTRACT_ROUTES = [
  'GET /',
  'GET /health',
  'GET /api/status',
  'POST /api/auth/start',
  'POST /api/pairing-code',
  'POST /api/send',
  'GET /api/chats',
  'GET /api/messages',
  'POST /api/messages',
  'POST /api/logout',
  'GET /qr',
  'POST /qr/login',
  'GET /api/qr',
  'POST /mcp',
  'GET /mcp',
  'DELETE /mcp',
];
/**
 * The sandbox's routes (issue 11) are documented always, since the document is built once for every
 * server, but served only in a sandbox (WHATSAPP_SANDBOX=true); elsewhere they are unknown routes (404).
 */
const isSandboxRoute = (route: string) => / \/(api\/(sessions\/\{session\}\/)?)?sandbox(\/|$)/.test(route);
/** What SwaggerModule itself serves: the document and Swagger UI, not part of the API they describe. */
const isDocsRoute = (path: string) => path === '/openapi.json' || path === '/docs' || path.startsWith('/docs/');

let t: TestApp;
let http: ReturnType<typeof request>;

async function boot(env: Record<string, string> = {}): Promise<void> {
  t = await createTestApp(env);
  http = request(t.app.getHttpServer());
}

afterEach(async () => {
  await t?.app.close();
});

/** "METHOD /path" of every route Express really serves (Nest's controllers), catch-alls left out. */
/** Express's routes, and the `/api/sessions/{session}/...` form the session routing serves each per-account one under. */
function servedRoutes(): string[] {
  const routes = expressRoutes();
  const perSession = routes.flatMap((route) => {
    const [method, path] = route.split(' ');
    const form = `/api/sessions/{session}${path.slice('/api'.length)}`;
    return path.startsWith('/api/') && splitSessionPath(form)?.path === path ? [`${method} ${form}`] : [];
  });
  return [...routes, ...perSession];
}

function expressRoutes(): string[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> } };
  const express = t.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  return express.router.stack.flatMap(({ route }) =>
    route && !route.path.includes('*') && !isDocsRoute(route.path)
      ? Object.keys(route.methods)
          .filter((m) => m !== '_all')
          // Express writes a path parameter `:id`, OpenAPI `{id}`.
          .map((m) => `${m.toUpperCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
      : [],
  );
}

function documentedRoutes(doc: Document): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
}

function operations(doc: Document): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as [string, Operation]),
  );
}

const op = (doc: Document, route: string): Operation => {
  const [method, path] = route.split(' ');
  const found = doc.paths[path]?.[method.toLowerCase()];
  if (!found) throw new Error(`${route} is not in the document`);
  return found;
};

/**
 * Problems of `value` against a dereferenced schema: wrong types, missing required properties,
 * and properties the schema does not list (an undocumented field is a documentation bug).
 */
function problems(value: unknown, schema: Schema, at = '$'): string[] {
  if (schema.allOf) return schema.allOf.flatMap((part) => problems(value, { ...part, nullable: schema.nullable }, at));
  if (value === null) return schema.nullable ? [] : [`${at} is null`];
  if (schema.oneOf) {
    const fits = schema.oneOf.map((option) => problems(value, option, at));
    return fits.some((p) => p.length === 0) ? [] : [`${at} fits no oneOf option: ${fits.map((p) => p.join(', ')).join(' | ')}`];
  }
  if (schema.enum && !schema.enum.includes(value)) return [`${at}=${JSON.stringify(value)} not in enum`];
  // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- a schema without a type accepts anything
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at} is not an object`];
      const record = value as Record<string, unknown>;
      const props = schema.properties ?? {};
      return [
        ...(schema.required ?? []).filter((key) => !(key in record)).map((key) => `${at}.${key} is missing`),
        ...Object.keys(record)
          .filter((key) => !(key in props))
          .map((key) => `${at}.${key} is not documented`),
        ...Object.entries(record).flatMap(([key, v]) => (props[key] ? problems(v, props[key], `${at}.${key}`) : [])),
      ];
    }
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, i) => problems(item, schema.items ?? {}, `${at}[${i}]`))
        : [`${at} is not an array`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at} is not an integer`];
    case 'string':
    case 'number':
    case 'boolean':
      return typeof value === schema.type ? [] : [`${at} is not a ${schema.type}`];
    default:
      return [];
  }
}

describe('GET /openapi.json', () => {
  let doc: Document;

  beforeEach(async () => {
    await boot();
    const res = await http
      .get('/openapi.json')
      .expect(200)
      .expect('Content-Type', /application\/json/);
    doc = res.body as Document;
  });

  it('is an OpenAPI 3 document named after the service, with its version', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'whatsapp-mcp-api', version: VERSION });
  });

  it('validates as OpenAPI 3 (swagger-parser)', () => {
    expect(swaggerParser('validate', doc)).toEqual({ result: expect.objectContaining({ openapi: doc.openapi }) });
    // The validator does refuse: a response without its required description.
    const broken = structuredClone(doc);
    delete (broken.paths['/api/status'].get.responses['200'] as { description?: string }).description;
    expect(swaggerParser('validate', broken).error).toMatch(/description/);
  });

  it('documents every route the app serves with its method, and only those', () => {
    const served = servedRoutes();
    expect(served).toEqual(expect.arrayContaining(CONTRACT_ROUTES));
    for (const optional of ['GET /health/ready', 'GET /metrics']) {
      if (served.includes(optional)) expect(documentedRoutes(doc)).toContain(optional);
    }
    expect(
      documentedRoutes(doc)
        .filter((route) => !isSandboxRoute(route))
        .sort(),
    ).toEqual([...new Set(served)].sort());
  });

  it('documents the sandbox routes, which a sandbox serves, each one', async () => {
    await t.app.close();
    await boot({ WHATSAPP_SANDBOX: 'true', WHATSAPP_SANDBOX_CHATS: '0' });
    const served = servedRoutes().filter(isSandboxRoute);
    expect(served).toEqual(
      expect.arrayContaining(['GET /sandbox', 'POST /sandbox/login', 'GET /api/sandbox', 'POST /api/sandbox/incoming']),
    );
    expect(documentedRoutes(doc).filter(isSandboxRoute).sort()).toEqual([...new Set(served)].sort());
  });

  it('gives every operation a summary, a success answer and its error answers', () => {
    for (const [route, operation] of operations(doc)) {
      const statuses = Object.keys(operation.responses).map(Number);
      expect({ route, summary: typeof (operation as { summary?: unknown }).summary }).toEqual({ route, summary: 'string' });
      expect({ route, success: statuses.some((s) => s >= 200 && s < 400) }).toEqual({ route, success: true });
      expect({ route, errors: statuses.filter((s) => s >= 400).includes(403) }).toEqual({ route, errors: true });
    }
  });

  it('gives every operation a unique operationId', () => {
    const ids = operations(doc).map(([, o]) => o.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares the API key as X-Api-Key and as a bearer token, required by default', () => {
    expect(doc.components.securitySchemes).toEqual({
      api_key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    expect(doc.security).toEqual([{ api_key: [] }, { bearer: [] }]);
    // Liveness and readiness answer without the key: {} makes the key optional.
    expect(op(doc, 'GET /health').security).toContainEqual({});
    expect(op(doc, 'GET /api/status').security).toBeUndefined();
  });

  it('carries the input rules in the request schemas', () => {
    const resolved = dereferenced(doc);
    const query = (route: string) => Object.fromEntries((op(resolved, route).parameters ?? []).map((p) => [p.name, p]));
    const body = (route: string) => op(resolved, route).requestBody!.content['application/json'].schema!;

    expect(query('GET /api/chats').limit).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    });
    const messages = query('GET /api/messages');
    expect(messages.phone_number).toMatchObject({ in: 'query', required: true, schema: { type: 'string', example: '+1 555 123 4567' } });
    expect(messages.limit).toMatchObject({ required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } });

    expect(body('POST /api/send')).toMatchObject({
      required: ['phone_number', 'message'],
      properties: { phone_number: { type: 'string' }, message: { type: 'string', minLength: 1, maxLength: 65536 } },
    });
    expect(body('POST /api/pairing-code')).toMatchObject({ required: ['phone_number'], properties: { phone_number: { type: 'string' } } });
    expect(body('POST /api/messages')).toMatchObject({
      required: ['phone_number'],
      properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 10 } },
    });
  });

  it('phone_number pattern accepts what the server accepts and refuses what it refuses', () => {
    const pattern = new RegExp(doc.components.schemas.SendMessageDto.properties!.phone_number.pattern as string);
    for (const ok of ['+1 555 123 4567', '+1 (555) 123-4567', '447911123456', '12345678', '123456789012345'])
      expect(pattern.test(ok)).toBe(true);
    for (const bad of ['1234567', '1234567890123456', '+1 555', 'no digits']) expect(pattern.test(bad)).toBe(false);
  });

  it.each([
    ['GET /api/status', [401, 403, 500]],
    ['POST /api/auth/start', [400, 401, 403, 413, 500, 503]],
    ['POST /api/pairing-code', [400, 401, 403, 409, 413, 429, 500, 502, 503]],
    ['POST /api/send', [400, 401, 403, 404, 409, 413, 429, 500, 502, 503]],
    ['GET /api/chats', [400, 401, 403, 409, 500, 502, 503]],
    ['GET /api/messages', [400, 401, 403, 404, 409, 500, 502, 503]],
    ['POST /api/messages', [400, 401, 403, 404, 409, 413, 500, 502, 503]],
    ['POST /api/logout', [400, 401, 403, 413, 500]],
    ['GET /api/qr', [401, 403, 500]],
    ['GET /', [401, 403, 500]],
    ['GET /health', [403, 500]],
  ] as const)('%s documents its error answers %j as ErrorBody, an example per code', (route, statuses) => {
    const responses = op(doc, route).responses;
    const errors = Object.keys(responses)
      .map(Number)
      .filter((s) => s >= 400);
    expect(errors.sort()).toEqual([...statuses].sort());
    for (const status of statuses) {
      const media = responses[status].content!['application/json'];
      expect(media.schema).toEqual({ $ref: '#/components/schemas/ErrorBody' });
      const examples = Object.values(media.examples ?? {});
      expect(examples.length).toBeGreaterThan(0);
      for (const { value } of examples) {
        expect(value.ok).toBe(false);
        expect(HTTP_STATUS[value.error.code as ErrorCode]).toBe(status);
      }
    }
  });

  it('names the codes the contract gives for 404, 429 (with Retry-After) and 503', () => {
    const codes = (route: string, status: number) => Object.keys(op(doc, route).responses[status].content!['application/json'].examples!);
    expect(codes('POST /api/send', 404)).toEqual(['not_on_whatsapp']);
    expect(codes('GET /api/messages', 404)).toEqual(['chat_not_found']);
    expect(codes('POST /api/pairing-code', 503).sort()).toEqual(['browser_unavailable', 'start_failed']);
    expect(op(doc, 'POST /api/send').responses[429].headers).toHaveProperty('Retry-After');
    expect(op(doc, 'GET /api/status').responses[401].headers).toHaveProperty('WWW-Authenticate');
  });

  it('documents the QR page as HTML and /mcp as JSON-RPC', () => {
    expect(op(doc, 'GET /qr').responses[200].content).toHaveProperty('text/html');
    expect(op(doc, 'GET /qr').responses[401].content).toHaveProperty('text/html');
    for (const route of ['POST /mcp', 'GET /mcp', 'DELETE /mcp']) {
      expect(op(doc, route).responses[404].content!['application/json'].schema).toEqual({ $ref: '#/components/schemas/JsonRpcError' });
    }
    expect(op(doc, 'POST /mcp').responses[200].content).toHaveProperty('text/event-stream');
  });

  it('documents the pairing-code answer as one of its two variants', () => {
    const media = op(doc, 'POST /api/pairing-code').responses[200].content!['application/json'];
    expect(media.schema).toEqual({
      oneOf: [{ $ref: '#/components/schemas/PairingCodeIssued' }, { $ref: '#/components/schemas/PairingCodeAlreadyLinked' }],
    });
    expect(Object.keys(media.examples!)).toHaveLength(2);
  });
});

describe('the documented answers are the real ones', () => {
  let resolved: Document;
  const chatId = '15551234567@c.us';

  beforeEach(async () => {
    await boot();
    const doc = (await http.get('/openapi.json').expect(200)).body as Document;
    resolved = dereferenced(doc);
  });

  const schemaOf = (route: string, status = 200): Schema => op(resolved, route).responses[status].content!['application/json'].schema!;
  const check = (route: string, body: unknown, status = 200) => expect(problems(body, schemaOf(route, status))).toEqual([]);

  it('status, health, QR and logout, before and after pairing', async () => {
    check('GET /api/status', (await http.get('/api/status').expect(200)).body);
    check('GET /api/qr', (await http.get('/api/qr').expect(200)).body);
    await t.pair();
    check('GET /api/status', (await http.get('/api/status').expect(200)).body);
    check('GET /', (await http.get('/').expect(200)).body);
    check('POST /api/pairing-code', (await http.post('/api/pairing-code').send({ phone_number: '+1 555 123 4567' }).expect(200)).body);
    check('POST /api/logout', (await http.post('/api/logout').expect(200)).body);
  });

  it('a pairing code', async () => {
    const res = await http.post('/api/pairing-code').send({ phone_number: '+1 555 123 4567' }).expect(200);
    expect(res.body.already_authenticated).toBe(false);
    check('POST /api/pairing-code', res.body);
  });

  it('send, chats and messages', async () => {
    await t.pair();
    t.fake.chats = [fakeChat(chatId, 500, { last_message: fakeMessage(chatId, 2) }), fakeChat('120363000000000000@g.us', 400)];
    t.fake.messages.set(chatId, [fakeMessage(chatId, 1), fakeMessage(chatId, 2, { author: '15550002222@c.us' })]);
    check('POST /api/send', (await http.post('/api/send').send({ phone_number: '15551234567', message: 'hi' }).expect(200)).body);
    check('GET /api/chats', (await http.get('/api/chats').expect(200)).body);
    check('GET /api/messages', (await http.get('/api/messages?phone_number=15551234567').expect(200)).body);
  });

  it('errors, including the details (state, retry_after)', async () => {
    check('GET /api/chats', (await http.get('/api/chats?limit=0').expect(400)).body, 400);
    check('GET /api/chats', (await http.get('/api/chats').expect(409)).body, 409);
    expect((await http.get('/api/chats').expect(409)).body.error.state).toBe('stopped');
  });

  it('the checker itself refuses an undocumented field and a wrong type', () => {
    const status = schemaOf('GET /api/status');
    expect(problems({ state: 'stopped' }, status)).toContain('$.ready is missing');
    expect(problems({ surprise: 1 }, status)).toContain('$.surprise is not documented');
    expect(problems({ ok: false, error: { code: 1, message: 'x' } }, schemaOf('GET /api/chats', 400))).toContain(
      '$.error.code is not a string',
    );
  });
});

describe('Swagger UI at /docs', () => {
  beforeEach(() => boot());

  it('is an HTML page whose scripts are files on this server, with no inline script', async () => {
    const res = await http
      .get('/docs')
      .expect(200)
      .expect('Content-Type', /text\/html/);
    const scripts = [...res.text.matchAll(/<script\b([^>]*)>/g)].map(([, attributes]) => attributes);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) expect(attributes).toMatch(/\bsrc=/);
    const sources = scripts.map((attributes) => /src=["']([^"']+)["']/.exec(attributes)![1]);
    expect(sources).toContain('./docs/swagger-ui-init.js');
    for (const source of sources) {
      const url = new URL(source, 'http://127.0.0.1/docs').pathname;
      await http
        .get(url)
        .expect(200)
        .expect('Content-Type', /javascript/);
    }
  });

  it('its CSP lets it load scripts from this server only', async () => {
    const res = await http.get('/docs').expect(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    const page = await http.get('/api/status').expect(200);
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'none'");
  });

  it('its init script carries this document and no outside validator', async () => {
    const init = await http.get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('"title": "whatsapp-mcp-api"');
    expect(init.text).toContain('"validatorUrl": null');
  });
});

describe('with WHATSAPP_API_KEY set', () => {
  beforeEach(() => boot({ WHATSAPP_API_KEY: KEY }));

  it.each(['/openapi.json', '/docs', '/docs/swagger-ui-init.js', '/docs/swagger-ui-bundle.js'])(
    '%s → 401 without the key',
    async (path) => {
      const res = await http.get(path).expect(401);
      expect(res.body).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    },
  );

  it.each([
    ['X-Api-Key', KEY],
    ['Authorization', `Bearer ${KEY}`],
  ])('/openapi.json and /docs → 200 with %s', async (header, value) => {
    const doc = await http.get('/openapi.json').set(header, value).expect(200);
    expect(doc.body.info.title).toBe('whatsapp-mcp-api');
    await http
      .get('/docs')
      .set(header, value)
      .expect(200)
      .expect('Content-Type', /text\/html/);
  });

  it('a wrong key → 401', async () => {
    await http.get('/openapi.json').set('X-Api-Key', `${KEY}x`).expect(401);
  });
});
