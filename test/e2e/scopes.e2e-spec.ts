import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { LoggerService } from '@nestjs/common';
import request from 'supertest';
import { sha256 } from '../../src/config/api-keys-file.js';
import { ApiKeys } from '../../src/security/api-keys.js';
import { createTestApp, type TestApp } from '../app-harness.js';
import { ALL_TOOLS, startMcpApp, textJson, type McpTestApp } from '../mcp-harness.js';
import { tempDir } from '../temp-dirs.js';

const KEYS = { reader: 'reader-key-0123456789', sender: 'sender-key-0123456789', sales: 'sales-key-0123456789', ops: 'ops-key-0123456789' };
const hex = (key: string) => sha256(key).toString('hex');
const ENTRIES = [
  { name: 'reader', key_sha256: hex(KEYS.reader), scopes: ['read'], sessions: ['*'] },
  { name: 'sender', key_sha256: hex(KEYS.sender), scopes: ['send'], sessions: ['*'] },
  { name: 'sales', key_sha256: hex(KEYS.sales), scopes: ['read', 'send', 'admin'], sessions: ['sales'] },
  { name: 'ops', key_sha256: hex(KEYS.ops), scopes: ['read', 'send', 'admin'], sessions: ['*'] },
];
const UNAUTHORIZED = {
  ok: false,
  error: { code: 'unauthorized', message: 'A valid API key is required: send it as X-Api-Key: <key> or Authorization: Bearer <key>.' },
};
const forbidden = (message: string) => ({ ok: false, error: { code: 'forbidden', message } });
const as = (key: keyof typeof KEYS) => ({ 'X-Api-Key': KEYS[key] });

function keysFile(entries: unknown = ENTRIES): string {
  const file = join(tempDir('wa-keys-'), 'keys.json');
  writeFileSync(file, typeof entries === 'string' ? entries : JSON.stringify(entries));
  return file;
}

let t: TestApp;
let http: ReturnType<typeof request>;

afterEach(async () => {
  await t?.app.close();
});

describe('scoped keys over REST (a keys file, no WHATSAPP_API_KEY)', () => {
  beforeEach(async () => {
    t = await createTestApp({ WHATSAPP_API_KEYS_FILE: keysFile() });
    http = request(t.app.getHttpServer());
    await t.pair(as('ops'));
  });

  it('a read key lists and searches, but gets 403 on send and logout, and nothing happens', async () => {
    const chats = await http.get('/api/chats').set(as('reader')).expect(200);
    expect(chats.body).toMatchObject({ ok: true, count: expect.any(Number) });
    const search = await http.get('/api/search').query({ q: 'hello' }).set(as('reader')).expect(200);
    expect(search.body).toMatchObject({ ok: true, results: expect.any(Array) });
    const send = await http.post('/api/send').set(as('reader')).send({ phone_number: '15551234567', message: 'hi' }).expect(403);
    expect(send.body).toEqual(forbidden('This key lacks the "send" scope.'));
    const logout = await http.post('/api/logout').set(as('reader')).expect(403);
    expect(logout.body).toEqual(forbidden('This key lacks the "admin" scope.'));
    expect(t.fake.sent).toHaveLength(0);
    expect((await http.get('/api/status').set(as('reader')).expect(200)).body).toMatchObject({ state: 'ready' });
  });

  it('a send key sends and queues, but may not read', async () => {
    await http.post('/api/send').set(as('sender')).send({ phone_number: '15551234567', message: 'hi' }).expect(200);
    expect(t.fake.sent).toHaveLength(1);
    await http.get('/api/outbox').set(as('sender')).expect(200);
    const chats = await http.get('/api/chats').set(as('sender')).expect(403);
    expect(chats.body).toEqual(forbidden('This key lacks the "read" scope.'));
  });

  it('admin routes over every session need an admin key for every session', async () => {
    await http.get('/metrics').set(as('ops')).expect(200);
    expect((await http.get('/metrics').set(as('reader')).expect(403)).body).toEqual(forbidden('This key lacks the "admin" scope.'));
    expect((await http.get('/api/webhooks').set(as('sales')).expect(403)).body).toEqual(
      forbidden('This key may not use every session ("*"), which this route covers.'),
    );
  });

  it('a key limited to sales may not act on the default session', async () => {
    const res = await http.get('/api/status').set(as('sales')).expect(403);
    expect(res.body).toEqual(forbidden('This key may not use session "default".'));
  });

  it('a key limited to sales gets 403 on the support session, whether it exists or not', async () => {
    const res = await http.get('/api/sessions/support/status').set(as('sales')).expect(403);
    expect(res.body).toEqual(forbidden('This key may not use session "support".'));
    t.whatsapp.create('support');
    const existing = await http.get('/api/sessions/support/status').set(as('sales')).expect(403);
    expect(existing.body).toEqual(forbidden('This key may not use session "support".'));
    t.whatsapp.create('sales');
    expect((await http.get('/api/sessions/sales/status').set(as('sales')).expect(200)).body.state).toBe('stopped');
  });

  it('a wrong key or none is 401, as before', async () => {
    for (const headers of [{ 'X-Api-Key': `${KEYS.ops}x` }, { 'X-Api-Key': hex(KEYS.ops) }, { Authorization: 'Bearer nope' }, {}]) {
      const res = await http.get('/api/status').set(headers).expect(401);
      expect(res.body).toEqual(UNAUTHORIZED);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it("the QR page of another session follows the key's session list, whether that session exists or not", async () => {
    const refused = await http.get('/qr?session=support').set(as('sales')).expect(403);
    expect(refused.body).toEqual(forbidden('This key may not use session "support".'));
    t.whatsapp.create('sales');
    const own = await http.get('/qr?session=sales').set(as('sales')).expect(200);
    expect(own.text).toContain('<strong id="session">sales</strong>');
    expect((await http.get('/qr').set(as('sales')).expect(403)).body).toEqual(forbidden('This key may not use session "default".'));
    expect((await http.get('/qr?session=sales').set(as('reader')).expect(200)).text).toContain('<strong id="session">sales</strong>');
  });

  it("the QR page's cookie carries its key's scopes", async () => {
    const login = await http.post('/qr/login').type('form').send({ key: KEYS.sender }).expect(303);
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    const res = await http.get('/api/qr').set('Cookie', cookie).expect(403);
    expect(res.body).toEqual(forbidden('This key lacks the "read" scope.'));
    const reader = String((await http.post('/qr/login').type('form').send({ key: KEYS.reader }).expect(303)).headers['set-cookie']);
    await http.get('/api/qr').set('Cookie', reader.split(';')[0]).expect(200);
  });
});

describe('WHATSAPP_API_KEY beside a keys file', () => {
  it('keeps every scope and every session', async () => {
    t = await createTestApp({ WHATSAPP_API_KEY: 'env-key-0123456789', WHATSAPP_API_KEYS_FILE: keysFile() });
    http = request(t.app.getHttpServer());
    await t.pair({ 'X-Api-Key': 'env-key-0123456789' });
    await http.post('/api/send').set('X-Api-Key', 'env-key-0123456789').send({ phone_number: '15551234567', message: 'hi' }).expect(200);
    await http.get('/api/webhooks').set('X-Api-Key', 'env-key-0123456789').expect(200);
    await http.get('/api/chats').set(as('reader')).expect(200);
  });
});

describe('reloading the keys file on SIGHUP', () => {
  it('takes a new file without a restart; a bad one keeps the keys in use and logs why', async () => {
    const file = keysFile();
    t = await createTestApp({ WHATSAPP_API_KEYS_FILE: file });
    const errors: string[] = [];
    const capture: LoggerService = { log: () => undefined, warn: () => undefined, error: (message) => void errors.push(String(message)) };
    t.app.useLogger(capture);
    http = request(t.app.getHttpServer());
    await http.get('/api/status').set('X-Api-Key', 'late-key-0123456789').expect(401);
    writeFileSync(
      file,
      JSON.stringify([...ENTRIES.slice(1), { name: 'late', key_sha256: hex('late-key-0123456789'), scopes: ['read'], sessions: ['*'] }]),
    );
    expect(process.emit('SIGHUP', 'SIGHUP')).toBe(true);
    await http.get('/api/status').set('X-Api-Key', 'late-key-0123456789').expect(200);
    expect((await http.get('/api/status').set(as('reader')).expect(401)).body).toEqual(UNAUTHORIZED);

    writeFileSync(file, JSON.stringify([{ name: 'late', key_sha256: 'not-hex', scopes: ['read'], sessions: ['*'] }]));
    expect(t.app.get(ApiKeys).reload()).toBe(false);
    expect(errors).toEqual([
      `Keys file not reloaded, the keys in use stay: ${file}: entry 1 ("late") needs key_sha256: the SHA-256 of the key as 64 hex digits (printf %s "$KEY" | sha256sum)`,
    ]);
    await http.get('/api/status').set('X-Api-Key', 'late-key-0123456789').expect(200);
  });

  it('stops listening for SIGHUP when the app closes', async () => {
    const before = process.listenerCount('SIGHUP');
    t = await createTestApp({ WHATSAPP_API_KEYS_FILE: keysFile() });
    expect(process.listenerCount('SIGHUP')).toBe(before + 1);
    await t.app.close();
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });
});

describe('MCP per key', () => {
  let mcp: McpTestApp;
  const clients: Client[] = [];
  beforeEach(async () => {
    mcp = await startMcpApp({ WHATSAPP_API_KEYS_FILE: keysFile() });
    t = mcp;
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
  });

  async function connect(key: keyof typeof KEYS): Promise<Client> {
    const client = new Client({ name: 'e2e', version: '0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcp.url), { requestInit: { headers: as(key) } }));
    clients.push(client);
    return client;
  }

  it('tools/list shows a read-only key no send, logout or pairing tool; an all-scopes key every tool', async () => {
    const reader = await connect('reader');
    expect((await reader.listTools()).tools.map((tool) => tool.name)).toEqual([
      'whatsapp_status',
      'whatsapp_list_chats',
      'whatsapp_read_messages',
      'whatsapp_search_messages',
      'whatsapp_download_media',
      'whatsapp_wait_for_messages',
    ]);
    expect((await (await connect('sender')).listTools()).tools.map((tool) => tool.name)).toEqual([
      'whatsapp_send_message',
      'whatsapp_send_media',
    ]);
    expect(new Set((await (await connect('ops')).listTools()).tools.map((tool) => tool.name))).toEqual(new Set(ALL_TOOLS));
  });

  it('calling a tool the key may not call is a forbidden tool error, and nothing is sent', async () => {
    const reader = await connect('reader');
    const result = await reader.callTool({ name: 'whatsapp_send_message', arguments: { phone_number: '15551234567', message: 'hi' } });
    expect(result.isError).toBe(true);
    expect(textJson(result)).toEqual(forbidden('This key lacks the "send" scope.'));
    expect(mcp.fake.sent).toHaveLength(0);
  });

  it('a call on a session the key may not use is a forbidden tool error', async () => {
    const sales = await connect('sales');
    const support = await sales.callTool({ name: 'whatsapp_status', arguments: { session: 'support' } });
    expect(support.isError).toBe(true);
    expect(textJson(support)).toEqual(forbidden('This key may not use session "support".'));
    expect(textJson(await sales.callTool({ name: 'whatsapp_status', arguments: {} }))).toEqual(
      forbidden('This key may not use session "default".'),
    );
  });

  it('resources need read', async () => {
    const reader = await connect('reader');
    expect((await reader.listResourceTemplates()).resourceTemplates.map((template) => template.name)).toEqual([
      'chat-messages',
      'message-media',
    ]);
    const sender = await connect('sender');
    expect((await sender.listResourceTemplates()).resourceTemplates).toEqual([]);
    await expect(sender.readResource({ uri: 'whatsapp://chats/15551234567@c.us/messages' })).rejects.toMatchObject({
      code: -32600,
      data: { code: 'forbidden', message: 'This key lacks the "read" scope.' },
    });
  });

  it('a session opened by one key is checked against the key of each later request', async () => {
    const opened = await fetch(mcp.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...as('ops') },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
      }),
    });
    const session = opened.headers.get('mcp-session-id')!;
    expect(session).toBeTruthy();
    const headers = { 'content-type': 'application/json', 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
    await fetch(mcp.url, {
      method: 'POST',
      headers: { ...headers, ...as('ops') },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    });
    const listed = await fetch(mcp.url, {
      method: 'POST',
      headers: { ...headers, ...as('sender') },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }),
    });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { result: { tools: { name: string }[] } };
    expect(body.result.tools.map((tool) => tool.name)).toEqual(['whatsapp_send_message', 'whatsapp_send_media']);
  });
});
