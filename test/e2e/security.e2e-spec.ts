import { statSync } from 'node:fs';
import { tempDir } from '../temp-dirs.js';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { LoggerService } from '@nestjs/common';
import request from 'supertest';
import type { ClientState } from '../../src/whatsapp/client-status.js';
import { createTestApp, type TestApp } from '../app-harness.js';
import { startMcpApp, textJson, type McpTestApp } from '../mcp-harness.js';
import { startServer } from '../server-process.js';

const KEY = 'test-key-0123456789abcdef';
const UNAUTHORIZED = {
  ok: false,
  error: { code: 'unauthorized', message: 'A valid API key is required: send it as X-Api-Key: <key> or Authorization: Bearer <key>.' },
};

let t: TestApp;
let http: ReturnType<typeof request>;

async function boot(env: Record<string, string>): Promise<void> {
  t = await createTestApp(env);
  http = request(t.app.getHttpServer());
}

afterEach(async () => {
  await t?.app.close();
});

const reached = (state: ClientState) => t.reached(state);
const pair = (headers: Record<string, string> = {}) => t.pair(headers);

describe('API key', () => {
  beforeEach(() => boot({ WHATSAPP_API_KEY: KEY }));

  it.each([
    ['get', '/api/status'],
    ['get', '/'],
    ['post', '/api/send'],
    ['get', '/api/chats'],
    ['post', '/api/logout'],
    ['get', '/api/qr'],
    ['post', '/mcp'],
    ['get', '/nope'],
  ] as const)('no key: %s %s → 401 with WWW-Authenticate: Bearer', async (method, path) => {
    const res = await http[method](path).expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    if (path === '/mcp') {
      expect(res.body).toEqual({ jsonrpc: '2.0', error: { code: -32000, message: UNAUTHORIZED.error.message }, id: null });
    } else {
      expect(res.body).toEqual(UNAUTHORIZED);
    }
  });

  it.each([
    ['X-Api-Key', 'wrong'],
    ['X-Api-Key', `${KEY}x`],
    ['X-Api-Key', KEY.slice(0, -1)],
    ['Authorization', `Bearer ${KEY}x`],
    ['Authorization', `Basic ${KEY}`],
    ['Authorization', KEY],
  ])('a wrong key (%s: %s) → 401', async (header, value) => {
    const res = await http.get('/api/status').set(header, value).expect(401);
    expect(res.body).toEqual(UNAUTHORIZED);
  });

  it.each([
    ['X-Api-Key', KEY],
    ['Authorization', `Bearer ${KEY}`],
    ['Authorization', `bearer   ${KEY}`],
  ])('the key as %s: %s is accepted', async (header, value) => {
    const res = await http.get('/api/status').set(header, value).expect(200);
    expect(res.body.state).toBe('stopped');
  });

  it('liveness without the key answers but reveals no account, path or QR', async () => {
    await pair({ 'X-Api-Key': KEY });
    const res = await http.get('/health').expect(200);
    expect(res.body).toEqual({ ok: true, name: 'whatsapp-mcp-api', mcp: expect.any(String), status: { state: 'ready', ready: true } });
    expect(JSON.stringify(res.body)).not.toContain(t.config.authDir);
    const full = await http.get('/health').set('X-Api-Key', KEY).expect(200);
    expect(full.body.status).toMatchObject({ auth_dir: t.config.authDir, account: { wid: '15550001111@c.us' } });
  });

  describe('the QR page in a browser', () => {
    it('without the key shows a form to enter it, not the QR', async () => {
      await http.post('/api/auth/start').set('X-Api-Key', KEY).expect(200);
      const res = await http
        .get('/qr')
        .expect(401)
        .expect('Content-Type', /text\/html/);
      expect(res.text).toContain('<form method="post" action="/qr/login">');
      // With helmet's no-referrer a browser would post this form with Origin: null, which is refused.
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.text).not.toContain('data:image/png');
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('a wrong key in the form → 401 with the form again, no cookie', async () => {
      const res = await http.post('/qr/login').type('form').send({ key: 'nope' }).expect(401);
      expect(res.text).toContain('That key is not right.');
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('wrong keys are limited: 10 per 15 minutes from one address, then 429 even for the right one', async () => {
      for (let i = 0; i < 3; i++) await http.post('/qr/login').type('form').send({ key: KEY }).expect(303);
      for (let i = 0; i < 10; i++)
        await http
          .post('/qr/login')
          .type('form')
          .send({ key: `guess-${i}` })
          .expect(401);
      const res = await http.post('/qr/login').type('form').send({ key: KEY }).expect(429);
      expect(res.body.error).toMatchObject({
        code: 'rate_limited',
        message: expect.stringContaining('at most 10 wrong API keys from one address'),
      });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('the key form takes at most 4 KiB', async () => {
      const res = await http
        .post('/qr/login')
        .type('form')
        .send({ key: 'x'.repeat(5000) })
        .expect(413);
      expect(res.body.error).toEqual({ code: 'payload_too_large', message: 'Request body is larger than 4 KiB' });
    });

    it('an HTML form cannot post to the API routes', async () => {
      const res = await http
        .post('/api/send')
        .set('X-Api-Key', KEY)
        .type('form')
        .send({ phone_number: '15551234567', message: 'hi' })
        .expect(400);
      expect(res.body.error.message).toBe('phone_number must include country code and contain 8-15 digits');
    });

    it('the right key sets an HttpOnly cookie that opens the QR page and JSON only', async () => {
      await http.post('/api/auth/start').set('X-Api-Key', KEY).expect(200);
      const login = await http.post('/qr/login').type('form').send({ key: KEY }).expect(303);
      expect(login.headers.location).toBe('/qr');
      const setCookie = String(login.headers['set-cookie']);
      expect(setCookie).toMatch(/^wa_mcp_qr=\d+\.[\w-]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=3600$/);
      expect(setCookie).not.toContain(KEY);
      const cookie = setCookie.split(';')[0];
      const page = await http.get('/qr').set('Cookie', cookie).expect(200);
      expect(page.text).toContain('data:image/png;base64,');
      await http.get('/api/qr').set('Cookie', cookie).expect(200);
      await http.get('/openapi.json').set('Cookie', cookie).expect(200);
      await http.get('/api/status').set('Cookie', cookie).expect(401);
      await http.get('/metrics').set('Cookie', cookie).expect(401);
      await http.post('/api/logout').set('Cookie', cookie).expect(401);
      await http.get('/qr').set('Cookie', 'wa_mcp_qr=forged').expect(401);
    });
  });
});

describe('MCP with an API key (SDK client)', () => {
  let mcp: McpTestApp;
  beforeEach(async () => {
    mcp = await startMcpApp({ WHATSAPP_API_KEY: KEY });
    t = mcp;
  });

  it('refuses a client without the key', async () => {
    const client = new Client({ name: 'e2e', version: '0' });
    await expect(client.connect(new StreamableHTTPClientTransport(new URL(mcp.url)))).rejects.toMatchObject({
      code: 401,
      message: expect.stringContaining('A valid API key is required'),
    });
  });

  it('serves a client that sends the key', async () => {
    const client = new Client({ name: 'e2e', version: '0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcp.url), { requestInit: { headers: { Authorization: `Bearer ${KEY}` } } }),
    );
    const result = await client.callTool({ name: 'whatsapp_status', arguments: {} });
    expect(textJson(result)).toMatchObject({ state: 'stopped' });
    await client.close();
  });
});

describe('Origin', () => {
  beforeEach(() => boot({ WHATSAPP_ALLOWED_ORIGINS: 'https://tools.example.com, http://localhost:3000/' }));

  it('a foreign Origin → 403 on REST, with no CORS grant', async () => {
    const res = await http.post('/api/send').set('Origin', 'https://evil.example').send({}).expect(403);
    expect(res.body).toEqual({
      ok: false,
      error: {
        code: 'forbidden',
        message: 'Origin https://evil.example is not allowed; list it in WHATSAPP_ALLOWED_ORIGINS to call this API from a browser.',
      },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a foreign Origin → 403 on /mcp', async () => {
    const res = await http.post('/mcp').set('Origin', 'http://127.0.0.1.evil.example').send({}).expect(403);
    expect(res.body.error.message).toMatch(/^Origin http:\/\/127\.0\.0\.1\.evil\.example is not allowed/);
  });

  it('a preflight from a foreign origin gets no grant', async () => {
    const res = await http
      .options('/api/send')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-api-key');
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each(['https://tools.example.com', 'http://localhost:3000'])('a listed origin (%s) is granted, by name, never *', async (origin) => {
    const preflight = await http
      .options('/api/send')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-api-key')
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    expect(preflight.headers['access-control-allow-headers']).toContain('X-Api-Key');
    const res = await http.get('/api/status').set('Origin', origin).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
  });

  it('requests without an Origin are unaffected and get no CORS header', async () => {
    const res = await http.get('/api/status').expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('Host (DNS rebinding) while bound to loopback', () => {
  beforeEach(() => boot({ WHATSAPP_ALLOWED_HOSTS: 'wa.internal.example' }));

  it.each(['evil.example', 'evil.example:8790', '127.0.0.1.nip.io'])('Host %s → 403', async (host) => {
    const res = await http.get('/api/status').set('Host', host).expect(403);
    expect(res.body.error).toEqual({
      code: 'forbidden',
      message: `Host "${host.split(':')[0]}" is not allowed; add it to WHATSAPP_ALLOWED_HOSTS if this server is reached through it.`,
    });
  });

  it.each(['localhost', 'localhost:1234', '127.0.0.1:8790', '[::1]:8790', 'wa.internal.example', 'WA.internal.example:443'])(
    'Host %s is accepted',
    async (host) => {
      await http.get('/api/status').set('Host', host).expect(200);
    },
  );
});

describe('sending limits', () => {
  const send = (to: string) => http.post('/api/send').send({ phone_number: to, message: 'hi' });

  it('6 a minute to one recipient, then 429 with Retry-After; others still served', async () => {
    await boot({});
    await pair();
    for (let i = 0; i < 6; i++) await send('15551110000').expect(200);
    const res = await send('15551110000').expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(res.body).toEqual({
      ok: false,
      error: {
        code: 'rate_limited',
        message: `Too many requests: at most 6 messages to one recipient per minute. Try again in ${res.headers['retry-after']} s.`,
        retry_after: Number(res.headers['retry-after']),
      },
    });
    expect(t.fake.sent).toHaveLength(6);
    await send('15552220000').expect(200);
  });

  it('20 a minute overall', async () => {
    await boot({});
    await pair();
    for (let i = 0; i < 20; i++) await send(`1555333${String(i).padStart(4, '0')}`).expect(200);
    const res = await send('15554440000').expect(429);
    expect(res.body.error.message).toMatch(/^Too many requests: at most 20 messages per minute\./);
  });

  it('recovers once the window has passed', async () => {
    await boot({ WHATSAPP_RECIPIENT_LIMIT: '1' });
    await pair();
    jest.useFakeTimers({
      doNotFake: [
        'nextTick',
        'setImmediate',
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    try {
      await send('15551110000').expect(200);
      await send('15551110000').expect(429);
      jest.setSystemTime(Date.now() + 60_001);
      await send('15551110000').expect(200);
    } finally {
      jest.useRealTimers();
    }
  });

  it('0 disables a limit', async () => {
    await boot({ WHATSAPP_RECIPIENT_LIMIT: '0', WHATSAPP_SEND_LIMIT: '0' });
    await pair();
    for (let i = 0; i < 25; i++) await send('15551110000').expect(200);
  });

  it('MCP: isError with code rate_limited and the wait', async () => {
    const mcp = await startMcpApp({ WHATSAPP_RECIPIENT_LIMIT: '1' });
    t = mcp;
    http = request(t.app.getHttpServer());
    await pair();
    const client = new Client({ name: 'e2e', version: '0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcp.url)));
    const args = { phone_number: '15551110000', message: 'hi' };
    const first = await client.callTool({ name: 'whatsapp_send_message', arguments: args });
    expect(first.isError).toBeFalsy();
    const second = await client.callTool({ name: 'whatsapp_send_message', arguments: args });
    expect(second.isError).toBe(true);
    expect(textJson(second)).toEqual({
      ok: false,
      error: {
        code: 'rate_limited',
        message: expect.stringMatching(/^Too many requests: at most 1 messages to one recipient per minute/),
        retry_after: expect.any(Number),
      },
    });
    await client.close();
  });

  it('pairing codes: 3 per 10 minutes', async () => {
    await boot({});
    for (let i = 0; i < 3; i++) await http.post('/api/pairing-code').send({ phone_number: '15551234567' }).expect(200);
    const res = await http.post('/api/pairing-code').send({ phone_number: '15551234567' }).expect(429);
    expect(res.body.error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('at most 3 pairing-code requests per 10 minutes'),
    });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(500);
  });
});

describe('secrets', () => {
  it('the key, pairing codes and QR strings never reach the logs', async () => {
    const lines: string[] = [];
    const capture: LoggerService = {
      log: (m) => void lines.push(String(m)),
      error: (m, s) => void lines.push(`${m} ${s ?? ''}`),
      warn: (m) => void lines.push(String(m)),
      debug: (m) => void lines.push(String(m)),
      verbose: (m) => void lines.push(String(m)),
    };
    const stderr = jest.spyOn(process.stderr, 'write');
    try {
      await boot({ WHATSAPP_API_KEY: KEY, WHATSAPP_TERMINAL_QR: '' });
      t.app.useLogger(capture);
      const auth = { 'X-Api-Key': KEY };
      await http.post('/api/pairing-code').set(auth).send({ phone_number: '15551234567' }).expect(200);
      await http.get('/api/status').set('X-Api-Key', `${KEY}-wrong`).expect(401);
      t.fake.current.scan();
      await reached('ready');
      await http.post('/api/send').set(auth).send({ phone_number: '15551234567', message: 'hi' }).expect(200);
      const written = [...lines, ...stderr.mock.calls.map((call) => String(call[0]))].join('\n');
      expect(lines.length).toBeGreaterThan(0);
      expect(written).not.toContain(KEY);
      expect(written).not.toContain('ABCD1234');
      expect(written).not.toContain('fake-qr-1');
    } finally {
      stderr.mockRestore();
    }
  });

  it('the auth directory is created with mode 0700', async () => {
    const authDir = join(tempDir('wa-mode-'), 'nested', 'auth');
    await boot({ WHATSAPP_AUTH_DIR: authDir });
    await http.post('/api/auth/start').expect(200);
    expect(statSync(authDir).mode & 0o777).toBe(0o700);
  });

  it('the QR page carries no-store, nosniff and frame-ancestors none', async () => {
    await boot({});
    const res = await http.get('/qr').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});

describe('binding beyond loopback', () => {
  it('without a key the server refuses to start, naming WHATSAPP_API_KEY', async () => {
    await expect(startServer({ WHATSAPP_MCP_HOST: '0.0.0.0' }, ['node', 'dist/main.js'], 20_000)).rejects.toThrow(
      /exited with 1 before listening:\nInvalid configuration: WHATSAPP_API_KEY must be set when listening beyond loopback \(WHATSAPP_MCP_HOST=0\.0\.0\.0\)/,
    );
  });

  it('on loopback without a key it starts and warns once', async () => {
    const server = await startServer({}, ['node', 'dist/main.js']);
    try {
      const res = await fetch(`${server.url}/api/status`);
      expect(res.status).toBe(200);
      expect(server.output().match(/No WHATSAPP_API_KEY set/g)).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});
