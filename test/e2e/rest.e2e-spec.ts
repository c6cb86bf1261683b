import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { ClientState } from '../../src/whatsapp/client-status.js';
import { createTestApp, type TestApp } from '../app-harness.js';
import { fakeChat, fakeMessage } from '../fake-whatsapp.js';

const PHONE_RULE = 'phone_number must include country code and contain 8-15 digits';
const STATUS_KEYS = [
  'account',
  'auth_dir',
  'authenticated',
  'chrome_executable',
  'has_qr',
  'headless',
  'last_error',
  'next_restart_at',
  'ready',
  'restarts',
  'session_saved',
  'since',
  'state',
  'store',
];
const CHAT_KEYS = ['archived', 'id', 'is_group', 'is_read_only', 'last_message', 'muted', 'name', 'pinned', 'timestamp', 'unread_count'];
const MESSAGE_KEYS = ['author', 'body', 'from', 'from_me', 'has_media', 'id', 'timestamp', 'to', 'type'];

let t: TestApp;
let http: ReturnType<typeof request>;

beforeEach(async () => {
  t = await createTestApp();
  http = request(t.app.getHttpServer());
});

afterEach(async () => {
  await t.app.close();
});

const reached = (state: ClientState) => t.reached(state);
const pair = (headers: Record<string, string> = {}) => t.pair(headers);

function errorBody(code: string, message: string | RegExp, extra: Record<string, unknown> = {}) {
  return { ok: false, error: { code, message: typeof message === 'string' ? message : expect.stringMatching(message), ...extra } };
}

describe('health and status', () => {
  it.each(['/', '/health'])('GET %s answers the contract shape', async (path) => {
    const res = await http.get(path).expect(200);
    expect(res.body).toEqual({
      ok: true,
      name: 'whatsapp-mcp-api',
      mcp: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/),
      status: expect.objectContaining({ state: 'stopped' }),
    });
  });

  it('GET /api/status has the contract fields and our additions', async () => {
    const res = await http.get('/api/status').expect(200);
    expect(Object.keys(res.body).sort()).toEqual(STATUS_KEYS);
    expect(res.body).toEqual({
      state: 'stopped',
      ready: false,
      authenticated: false,
      auth_dir: t.config.authDir,
      chrome_executable: process.execPath,
      headless: true,
      has_qr: false,
      last_error: null,
      account: null,
      session_saved: false,
      since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      restarts: 0,
      next_restart_at: null,
      store: { chats: 0, messages: 0, backfill: 'idle', progress: 0 },
    });
  });
});

describe('POST /api/auth/start', () => {
  it('answers with the status once a QR is pending', async () => {
    const res = await http.post('/api/auth/start').expect(200);
    expect(res.body).toMatchObject({ state: 'qr', has_qr: true, ready: false });
    expect(Object.keys(res.body).sort()).toEqual(STATUS_KEYS);
  });

  it('with a saved session answers once authenticated, with no QR', async () => {
    t.fake.startMode = 'saved';
    const res = await http.post('/api/auth/start').expect(200);
    expect(['authenticated', 'ready']).toContain(res.body.state);
    expect(res.body.has_qr).toBe(false);
  });

  it('a failed start answers stopped with last_error, and can be retried', async () => {
    t.fake.startMode = 'reject';
    const res = await http.post('/api/auth/start').expect(200);
    expect(res.body).toMatchObject({
      state: 'stopped',
      last_error: 'Could not start WhatsApp Web: net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/',
    });
    t.fake.startMode = 'qr';
    await http
      .post('/api/auth/start')
      .expect(200)
      .expect((r) => expect(r.body.state).toBe('qr'));
  });

  it('answers after the start timeout while still starting', async () => {
    await t.app.close();
    t = await createTestApp({ WHATSAPP_START_TIMEOUT_MS: '100' });
    http = request(t.app.getHttpServer());
    t.fake.startMode = 'hang';
    const res = await http.post('/api/auth/start').expect(200);
    expect(res.body.state).toBe('starting');
  });

  it('no Chrome → 503 browser_unavailable naming what was tried', async () => {
    await t.app.close();
    t = await createTestApp({ WHATSAPP_CHROME_EXECUTABLE: '/no/such/chrome' });
    http = request(t.app.getHttpServer());
    const res = await http.post('/api/auth/start').expect(503);
    expect(res.body).toEqual(errorBody('browser_unavailable', /\/no\/such\/chrome/));
    expect(t.fake.clients).toHaveLength(0);
  });
});

describe('POST /api/pairing-code', () => {
  it('returns the code for a normalised number', async () => {
    const res = await http.post('/api/pairing-code').send({ phone_number: '+1 (555) 123-4567' }).expect(200);
    expect(res.body).toEqual({
      already_authenticated: false,
      phone_number: '15551234567',
      code: 'ABCD1234',
      instructions: 'WhatsApp -> Linked devices -> Link a device -> Link with phone number instead',
    });
    expect(t.fake.pairingRequests).toEqual(['15551234567']);
  });

  it('when already ready answers already_authenticated with the status', async () => {
    await pair();
    const res = await http.post('/api/pairing-code').send({ phone_number: '447911123456' }).expect(200);
    expect(res.body).toEqual({ already_authenticated: true, code: null, status: expect.objectContaining({ state: 'ready' }) });
    expect(t.fake.pairingRequests).toEqual([]);
  });

  it.each([[{ phone_number: '1234567' }], [{ phone_number: 15551234567 }], [{}], [{ phone_number: 'call me' }]])(
    'refuses %j without launching Chrome',
    async (body) => {
      const res = await http.post('/api/pairing-code').send(body).expect(400);
      expect(res.body).toEqual(errorBody('invalid_input', PHONE_RULE));
      expect(t.fake.clients).toHaveLength(0);
    },
  );

  it('a start that fails → 503 start_failed with the reason', async () => {
    t.fake.startMode = 'reject';
    const res = await http.post('/api/pairing-code').send({ phone_number: '15551234567' }).expect(503);
    expect(res.body).toEqual(errorBody('start_failed', /ERR_NAME_NOT_RESOLVED/, { state: 'stopped' }));
  });
});

describe('POST /api/send', () => {
  it('sends to a registered number', async () => {
    await pair();
    const res = await http.post('/api/send').send({ phone_number: '+44 7911 123456', message: 'hello' }).expect(200);
    expect(res.body).toEqual({
      ok: true,
      to: '447911123456',
      chat_id: '447911123456@c.us',
      message_id: 'true_447911123456@c.us_SENT1',
      timestamp: new Date(1_700_000_500 * 1000).toISOString(),
    });
    expect(t.fake.sent).toEqual([{ chatId: '447911123456@c.us', text: 'hello' }]);
  });

  it('a number not on WhatsApp → 404 not_on_whatsapp, nothing sent', async () => {
    await pair();
    t.fake.unregistered.add('15550009999');
    const res = await http.post('/api/send').send({ phone_number: '15550009999', message: 'hello' }).expect(404);
    expect(res.body).toEqual(errorBody('not_on_whatsapp', '15550009999 is not on WhatsApp; nothing was sent.'));
    expect(t.fake.sent).toEqual([]);
  });

  it('a library failure while sending → 502 whatsapp_error', async () => {
    await pair();
    t.fake.failSends = true;
    const res = await http.post('/api/send').send({ phone_number: '15551234567', message: 'hello' }).expect(502);
    expect(res.body).toEqual(errorBody('whatsapp_error', 'WhatsApp Web failed to send the message: Evaluation failed: send failed'));
  });

  it.each([
    [{ phone_number: '123', message: 'hi' }, PHONE_RULE],
    [{ phone_number: '1234567890123456', message: 'hi' }, PHONE_RULE],
    [{ message: 'hi' }, PHONE_RULE],
    [{ phone_number: '15551234567' }, 'message must be a non-empty string'],
    [{ phone_number: '15551234567', message: '' }, 'message must be a non-empty string'],
    [{ phone_number: '15551234567', message: 12 }, 'message must be a non-empty string'],
    [{ phone_number: '15551234567', message: 'x'.repeat(65_537) }, 'message must be at most 65536 characters'],
  ])('refuses %j before anything else', async (body, message) => {
    const res = await http.post('/api/send').send(body).expect(400);
    expect(res.body).toEqual(errorBody('invalid_input', message));
    expect(t.fake.clients).toHaveLength(0);
  });

  it('not ready and nothing saved → 409 not_ready at once with the state and a hint', async () => {
    // With a minute to wait for readiness, only the fast path answers within the test's 5 s.
    await t.app.close();
    t = await createTestApp({ WHATSAPP_READY_TIMEOUT_MS: '60000' });
    http = request(t.app.getHttpServer());
    const res = await http.post('/api/send').send({ phone_number: '15551234567', message: 'hi' }).expect(409);
    expect(res.body).toEqual(errorBody('not_ready', /state stopped.*Pair first/, { state: 'stopped' }));
    expect(t.fake.clients).toHaveLength(0);
  });

  it('while a QR waits → 409 not_ready with state qr, at once', async () => {
    await t.app.close();
    t = await createTestApp({ WHATSAPP_READY_TIMEOUT_MS: '60000' });
    http = request(t.app.getHttpServer());
    await http.post('/api/auth/start').expect(200);
    const res = await http.post('/api/send').send({ phone_number: '15551234567', message: 'hi' }).expect(409);
    expect(res.body).toEqual(errorBody('not_ready', /scan the QR/, { state: 'qr' }));
  });

  it('stopped with a saved session → starts it, waits for ready, sends', async () => {
    t.saveSession();
    t.fake.startMode = 'saved';
    await http.post('/api/send').send({ phone_number: '15551234567', message: 'hi' }).expect(200);
    expect(t.fake.clients).toHaveLength(1);
    expect(t.fake.sent).toHaveLength(1);
  });
});

describe('GET /api/chats', () => {
  beforeEach(async () => {
    await pair();
    t.fake.chats = [
      fakeChat('111111111@c.us', 100),
      fakeChat('333333333@c.us', 300, { last_message: fakeMessage('333333333@c.us', 3) }),
      fakeChat('120363000000000000@g.us', 200, { unread_count: 2 }),
    ];
  });

  it('lists newest activity first in the contract shape', async () => {
    const res = await http.get('/api/chats').expect(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.count).toBe(3);
    expect(res.body.chats.map((c: { id: string }) => c.id)).toEqual(['333333333@c.us', '120363000000000000@g.us', '111111111@c.us']);
    expect(Object.keys(res.body.chats[0]).sort()).toEqual(CHAT_KEYS);
    expect(Object.keys(res.body.chats[0].last_message).sort()).toEqual(MESSAGE_KEYS);
    expect(res.body.chats[1]).toMatchObject({ is_group: true, unread_count: 2, last_message: null });
  });

  it('applies the limit', async () => {
    const res = await http.get('/api/chats?limit=1').expect(200);
    expect(res.body.count).toBe(1);
    expect(res.body.chats).toHaveLength(1);
  });

  it.each(['0', '101', 'abc', '1.5', ''])('refuses limit=%j', async (limit) => {
    const res = await http.get(`/api/chats?limit=${limit}`).expect(400);
    expect(res.body).toEqual(errorBody('invalid_input', 'limit must be an integer between 1 and 100'));
  });
});

describe('reading messages', () => {
  const chatId = '15551234567@c.us';
  beforeEach(async () => {
    await pair();
    t.fake.chats = [fakeChat(chatId, 500)];
    t.fake.messages.set(
      chatId,
      Array.from({ length: 15 }, (_, i) => fakeMessage(chatId, i + 1, { from_me: i % 2 === 0 })),
    );
  });

  it('GET with a query: the last 10 messages by default, oldest first', async () => {
    const res = await http.get('/api/messages').query({ phone_number: '+1 555 123 4567' }).expect(200);
    expect(res.body).toMatchObject({ ok: true, chat: { id: chatId }, count: 10 });
    expect(res.body.messages.map((m: { body: string }) => m.body)[0]).toBe('message 6');
    expect(Object.keys(res.body.messages[0]).sort()).toEqual(MESSAGE_KEYS);
  });

  it('POST with a body and a limit answers the same shape', async () => {
    const res = await http.post('/api/messages').send({ phone_number: '15551234567', limit: 3 }).expect(200);
    expect(res.body.count).toBe(3);
    expect(res.body.messages.map((m: { body: string }) => m.body)).toEqual(['message 13', 'message 14', 'message 15']);
    expect(res.body.messages.map((m: { from_me: boolean }) => m.from_me)).toEqual([true, false, true]);
  });

  it('an unknown chat → 404 chat_not_found', async () => {
    const res = await http.post('/api/messages').send({ phone_number: '15559998888' }).expect(404);
    expect(res.body).toEqual(errorBody('chat_not_found', 'There is no chat with 15559998888.'));
  });

  it.each([
    ['GET', { phone_number: '12', limit: '5' }, PHONE_RULE],
    ['GET', { phone_number: '15551234567', limit: '101' }, 'limit must be an integer between 1 and 100'],
    ['POST', { phone_number: '15551234567', limit: 0 }, 'limit must be an integer between 1 and 100'],
    ['POST', { phone_number: '15551234567', limit: '1.5' }, 'limit must be an integer between 1 and 100'],
    ['POST', {}, PHONE_RULE],
  ])('%s refuses %j', async (method, input, message) => {
    const res = method === 'GET' ? await http.get('/api/messages').query(input) : await http.post('/api/messages').send(input);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorBody('invalid_input', message));
  });
});

describe('POST /api/logout', () => {
  const sessionDir = () => join(t.config.authDir, 'session-default');

  it('from never started', async () => {
    t.saveSession();
    const res = await http.post('/api/logout').expect(200);
    expect(res.body).toEqual({ ok: true, revoked: false });
    expect(existsSync(sessionDir())).toBe(false);
  });

  it('mid-start', async () => {
    t.fake.startMode = 'hang';
    await t.whatsapp.session().start();
    await http.post('/api/logout').expect(200, { ok: true, revoked: false });
    expect(t.fake.current.destroyed).toBe(1);
  });

  it('with a QR pending', async () => {
    await http.post('/api/auth/start').expect(200);
    await http.post('/api/logout').expect(200, { ok: true, revoked: false });
    const status = await http.get('/api/status').expect(200);
    expect(status.body).toMatchObject({ state: 'stopped', has_qr: false });
  });

  it('from ready: revokes the device and clears everything', async () => {
    await pair();
    await http.post('/api/logout').expect(200, { ok: true, revoked: true });
    const status = await http.get('/api/status').expect(200);
    expect(status.body).toMatchObject({ state: 'stopped', has_qr: false, account: null, last_error: null });
    expect(existsSync(sessionDir())).toBe(false);
  });

  it('after a disconnect', async () => {
    await pair();
    t.fake.current.emit('disconnected', 'CONFLICT');
    await reached('disconnected');
    await http.post('/api/logout').expect(200, { ok: true, revoked: false });
    await http
      .get('/api/status')
      .expect(200)
      .expect((r) => expect(r.body.state).toBe('stopped'));
  });
});

describe('the QR page and JSON', () => {
  it('without a QR: the contract text, the state, a 5 s refresh', async () => {
    const res = await http
      .get('/qr')
      .expect(200)
      .expect('Content-Type', /text\/html/);
    expect(res.text).toContain('No QR is available yet. Start auth, then refresh this page.');
    expect(res.text).toContain('<meta http-equiv="refresh" content="5">');
    expect(res.text).toContain('<strong id="state">stopped</strong>');
    expect(res.text).toContain('Settings &rarr; Linked devices &rarr; Link a device');
    expect(res.text).not.toContain('data:image/png');
    await http.get('/api/qr').expect(200, { has_qr: false, qr: null, data_url: null });
  });

  it('with a QR: a 360x360 PNG data URL', async () => {
    await http.post('/api/auth/start').expect(200);
    const res = await http.get('/qr').expect(200);
    const match = res.text.match(/<img src="data:image\/png;base64,([A-Za-z0-9+/=]+)" width="360" height="360"/);
    expect(match).not.toBeNull();
    const png = Buffer.from(match![1], 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([360, 360]);
    expect(res.text).toContain('<strong id="state">qr</strong>');
    const json = await http.get('/api/qr').expect(200);
    expect(json.body).toEqual({ has_qr: true, qr: 'fake-qr-1', data_url: expect.stringMatching(/^data:image\/png;base64,/) });
  });
});

describe('HTTP errors', () => {
  it('malformed JSON → 400 invalid_input, without echoing the body', async () => {
    const res = await http.post('/api/send').set('Content-Type', 'application/json').send('{"message": "a secret", ').expect(400);
    expect(res.body).toEqual(errorBody('invalid_input', 'Malformed JSON body'));
  });

  it('a body over 1 MiB → 413', async () => {
    const res = await http
      .post('/api/send')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ phone_number: '15551234567', message: 'x'.repeat(1_100_000) }))
      .expect(413);
    expect(res.body).toEqual(errorBody('payload_too_large', 'Request body is larger than 1 MiB'));
  });

  it('a body just under 1 MiB is read (and the message rule applies)', async () => {
    const res = await http
      .post('/api/send')
      .send({ phone_number: '15551234567', message: 'x'.repeat(1_000_000) })
      .expect(400);
    expect(res.body).toEqual(errorBody('invalid_input', 'message must be at most 65536 characters'));
  });

  it.each([
    ['get', '/nope'],
    ['post', '/api/nope'],
    ['delete', '/api/status'],
  ] as const)('%s %s → 404 JSON', async (method, path) => {
    const res = await http[method](path).expect(404);
    expect(res.body).toEqual(errorBody('not_found', `Cannot ${method.toUpperCase()} ${path}`));
  });

  it('every answer carries a request id', async () => {
    const res = await http.get('/api/status').expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
