import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { SessionsService } from '../../src/sessions/sessions.service.js';
import { LINKED_MARKER } from '../../src/whatsapp/session-profile.js';
import { createTestApp, type TestApp } from '../app-harness.js';
import { FakeWhatsApp, reachState } from '../fake-whatsapp.js';
import { connectClient, startMcpApp, textJson } from '../mcp-harness.js';
import { tempDir } from '../temp-dirs.js';

const http = (t: TestApp) => request(t.app.getHttpServer());
const stateOf = (t: TestApp, name: string) => t.whatsapp.session(name).currentState;

/** Pairs `name` through its own routes and the fake phone. */
async function pair(t: TestApp, name: string): Promise<void> {
  await http(t).post(`/api/sessions/${name}/auth/start`).expect(200);
  t.fake.clientOf(name).scan();
  await reachState(t.whatsapp.session(name), 'ready', 2000);
}

describe('Sessions (several accounts)', () => {
  let t: TestApp;
  afterEach(async () => {
    await t?.app.close();
  });

  it('creates, lists, reads, stops and deletes a session; refuses bad names, duplicates and one too many', async () => {
    t = await createTestApp({ WHATSAPP_MAX_SESSIONS: '3' });
    const created = await http(t).post('/api/sessions').send({ name: 'sales' }).expect(201);
    expect(created.body).toEqual({
      ok: true,
      session: { name: 'sales', status: expect.objectContaining({ state: 'stopped', ready: false }) },
    });

    const duplicate = await http(t).post('/api/sessions').send({ name: 'sales' }).expect(409);
    expect(duplicate.body.error).toEqual({ code: 'session_exists', message: 'The session "sales" exists already.' });
    for (const name of ['Sales', '-x', 'a'.repeat(33), 'a b', '', 7]) {
      const bad = await http(t).post('/api/sessions').send({ name }).expect(400);
      expect(bad.body.error.code).toBe('invalid_input');
      expect(bad.body.error.message).toContain('name must be 1 to 32 characters');
    }
    await http(t).post('/api/sessions').send({ name: 'support' }).expect(201);
    const tooMany = await http(t).post('/api/sessions').send({ name: 'alerts' }).expect(409);
    expect(tooMany.body.error).toEqual({
      code: 'too_many_sessions',
      message: 'This server holds at most 3 sessions (WHATSAPP_MAX_SESSIONS); delete one first.',
    });

    const listed = await http(t).get('/api/sessions').expect(200);
    expect(listed.body.sessions.map((s: { name: string }) => s.name)).toEqual(['default', 'sales', 'support']);
    const one = await http(t).get('/api/sessions/sales').expect(200);
    expect(one.body).toEqual({ ok: true, session: { name: 'sales', status: expect.objectContaining({ state: 'stopped' }) } });

    await pair(t, 'sales');
    const stopped = await http(t).post('/api/sessions/sales/stop').expect(200);
    expect(stopped.body.session.status.state).toBe('stopped');
    expect(t.fake.clientOf('sales').destroyed).toBe(1);

    expect((await http(t).get('/api/sessions/sales/events?limit=1000').expect(200)).body.count).toBeGreaterThan(0);
    const queued = await http(t).post('/api/sessions/sales/outbox').send({ phone_number: '15551234567', message: 'later' }).expect(202);
    expect(queued.body.item).toMatchObject({ state: 'queued', to: '15551234567' });
    const profile = t.whatsapp.session('sales').sessionDir;
    expect(existsSync(profile)).toBe(true);
    const deleted = await http(t).delete('/api/sessions/sales').expect(200);
    expect(deleted.body).toEqual({ ok: true, deleted: 'sales', revoked: false });
    expect(existsSync(profile)).toBe(false);
    const gone = await http(t).get('/api/sessions/sales').expect(404);
    expect(gone.body.error).toEqual({
      code: 'session_not_found',
      message: 'There is no session "sales": create it with POST /api/sessions.',
    });
    const keep = await http(t).delete('/api/sessions/default').expect(400);
    expect(keep.body.error.message).toBe('The session "default" always exists and cannot be deleted; log it out with POST /api/logout.');
    // A slot is free again; a new session of the same name starts with nothing of the old one.
    await http(t).post('/api/sessions').send({ name: 'sales' }).expect(201);
    expect((await http(t).get('/api/sessions/sales/outbox').expect(200)).body).toEqual({ ok: true, count: 0, items: [] });
    expect((await http(t).get('/api/sessions/sales/events?limit=1000').expect(200)).body.events).toEqual([]);
    expect((await http(t).get('/api/outbox').expect(200)).body.count).toBe(0);
  });

  it('routes /api/sessions/{session}/... to that account alone; a name in a path never creates a session', async () => {
    t = await createTestApp();
    await http(t).post('/api/sessions').send({ name: 'sales' }).expect(201);
    await pair(t, 'sales');
    expect(stateOf(t, 'default')).toBe('stopped');

    const status = await http(t).get('/api/sessions/sales/status').expect(200);
    expect(status.body).toMatchObject({ state: 'ready', ready: true });
    expect((await http(t).get('/api/status').expect(200)).body.state).toBe('stopped');

    const sent = await http(t).post('/api/sessions/sales/send').send({ phone_number: '15551234567', message: 'from sales' }).expect(200);
    expect(sent.body).toMatchObject({ ok: true, to: '15551234567', chat_id: '15551234567@c.us' });
    expect(t.fake.sent).toEqual([{ chatId: '15551234567@c.us', text: 'from sales' }]);
    // The default account is not linked: its send is refused and nothing more goes out.
    const refused = await http(t).post('/api/send').send({ phone_number: '15551234567', message: 'from default' }).expect(409);
    expect(refused.body.error.code).toBe('not_ready');
    expect(t.fake.sent).toHaveLength(1);

    const events = await http(t).get('/api/sessions/sales/events?types=message.sent').expect(200);
    expect(events.body.events.map((e: { session: string; data: { body: string } }) => [e.session, e.data.body])).toEqual([
      ['sales', 'from sales'],
    ]);
    expect((await http(t).get('/api/events?types=message.sent').expect(200)).body.events).toEqual([]);

    for (const path of ['/api/sessions/nope/status', '/api/sessions/nope/chats?limit=1', '/api/sessions/Bad%20Name/status']) {
      const res = await http(t).get(path).expect(404);
      expect(res.body.error.code).toBe('session_not_found');
    }
    await http(t).post('/api/sessions/nope/send').send({ phone_number: '15551234567', message: 'x' }).expect(404);
    expect((await http(t).get('/api/sessions').expect(200)).body.sessions.map((s: { name: string }) => s.name)).toEqual([
      'default',
      'sales',
    ]);
    expect(t.whatsapp.find('nope')).toBeUndefined();

    const qr = await http(t).get('/qr?session=nope').expect(404);
    expect(qr.body.error.code).toBe('session_not_found');
    const page = await http(t).get('/qr?session=sales').expect(200);
    expect(page.text).toContain('<strong id="session">sales</strong>');
    expect(page.text).toContain('<strong id="state">ready</strong>');
  });

  it('remembers created sessions across a restart and reconnects linked ones at most WHATSAPP_START_CONCURRENCY at a time', async () => {
    const env = { WHATSAPP_AUTH_DIR: tempDir('wa-auth-'), WHATSAPP_DATA_DIR: tempDir('wa-data-'), WHATSAPP_START_CONCURRENCY: '2' };
    t = await createTestApp(env);
    await http(t).post('/api/sessions').send({ name: 'never-linked' }).expect(201);
    await t.app.close();
    // Three linked profiles, as earlier pairings leave them; one of them predates the sessions table.
    for (const name of ['default', 'sales', 'support']) {
      mkdirSync(join(env.WHATSAPP_AUTH_DIR, `session-${name}`), { recursive: true });
      writeFileSync(join(env.WHATSAPP_AUTH_DIR, `session-${name}`, LINKED_MARKER), '{}');
    }

    const fake = new FakeWhatsApp();
    fake.startMode = 'hang';
    t = await createTestApp(env, { fake });
    expect((await http(t).get('/api/sessions').expect(200)).body.sessions.map((s: { name: string }) => s.name)).toEqual([
      'default',
      'never-linked',
      'sales',
      'support',
    ]);
    // Hanging starts hold their slots: only two Chromes were launched.
    await waitFor(() => t.fake.clients.length === 2, 'two Chromes');
    expect(t.fake.clients.map((c) => c.options.clientId)).toEqual(['default', 'sales']);
    t.fake.clientOf('default').scan();
    await waitFor(() => t.fake.clients.length === 3, 'a third Chrome once one start settled');
    expect(t.fake.clients[2].options.clientId).toBe('support');
    t.fake.clientOf('sales').scan();
    t.fake.clientOf('support').scan();
    await t.app.get(SessionsService).booted;
    expect(['default', 'never-linked', 'sales', 'support'].map((name) => stateOf(t, name))).toEqual(['ready', 'stopped', 'ready', 'ready']);
    expect(t.fake.mostRunning).toBe(3);
  });

  it('MCP: every account tool takes `session`; whatsapp_list_sessions lists them; an unknown session is an error result', async () => {
    const mcp = await startMcpApp();
    t = mcp;
    await http(t).post('/api/sessions').send({ name: 'sales' }).expect(201);
    await pair(t, 'sales');
    const { client } = await connectClient(mcp.url);
    try {
      const { tools } = await client.listTools();
      for (const tool of tools) {
        const props = tool.inputSchema.properties ?? {};
        if (tool.name === 'whatsapp_list_sessions') expect(props).not.toHaveProperty('session');
        else expect(props).toHaveProperty('session', expect.objectContaining({ type: 'string' }));
      }
      const listed = await client.callTool({ name: 'whatsapp_list_sessions', arguments: {} });
      expect((textJson(listed) as { sessions: { name: string }[] }).sessions.map((s) => s.name)).toEqual(['default', 'sales']);
      expect(textJson(await client.callTool({ name: 'whatsapp_status', arguments: { session: 'sales' } }))).toMatchObject({
        state: 'ready',
      });
      expect(textJson(await client.callTool({ name: 'whatsapp_status', arguments: {} }))).toMatchObject({ state: 'stopped' });
      const unknown = await client.callTool({ name: 'whatsapp_list_chats', arguments: { session: 'nope' } });
      expect(unknown.isError).toBe(true);
      expect(textJson(unknown)).toEqual({
        ok: false,
        error: { code: 'session_not_found', message: 'There is no session "nope": create it with POST /api/sessions.' },
      });
      const bad = await client.callTool({ name: 'whatsapp_status', arguments: { session: 'NOT valid' } });
      expect(textJson(bad)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      const sent = await client.callTool({
        name: 'whatsapp_send_message',
        arguments: { session: 'sales', phone_number: '15551234567', message: 'via mcp' },
      });
      expect(sent.isError).toBeFalsy();
      expect(t.fake.sent).toEqual([{ chatId: '15551234567@c.us', text: 'via mcp' }]);
    } finally {
      await client.close();
    }
  });
});

/** Polls a condition the fake world reaches asynchronously; throws after 2 s naming what it waited for. */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
