import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import request from 'supertest';
import { SqliteConnection } from '../../src/database/sqlite-connection.js';
import { createTestApp, type TestApp } from '../app-harness.js';
import { fakeChat, fakeMessage, FAKE_ACCOUNT } from '../fake-whatsapp.js';
import { connectClient, type McpTestApp, startMcpApp, textJson } from '../mcp-harness.js';

const ANA = '5511999990000@c.us';
const BEN = '4915112345678@c.us';

let t: TestApp;
let http: ReturnType<typeof request>;
const open: TestApp[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.app.close()));
});

async function boot(env: Record<string, string> = {}, app?: TestApp): Promise<void> {
  t = app ?? (await createTestApp(env));
  open.push(t);
  http = request(t.app.getHttpServer());
}

/** Polls `read` until `done` holds; throws after `timeoutMs`, naming what it waited for and what it saw last. */
async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Waited ${timeoutMs} ms for ${what}; last saw ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const storeStatus = async () => (await http.get('/api/status').expect(200)).body.store;

/** A phone with two chats and some history, like an account linked for a while. */
function seedAccount(fake: TestApp['fake']): void {
  fake.chats = [fakeChat(ANA, 1_700_000_900, { name: 'Ana' }), fakeChat(BEN, 1_700_000_800, { name: 'Ben' })];
  fake.messages.set(ANA, [
    fakeMessage(ANA, 1, { body: 'A reunião sobre a fatura é amanhã' }),
    fakeMessage(ANA, 2, { body: 'Ok, combinado' }),
  ]);
  fake.messages.set(BEN, [fakeMessage(BEN, 3, { body: 'Grüße aus Zürich' })]);
}

const search = (q: string, extra: Record<string, string> = {}) => http.get('/api/search').query({ q, ...extra });

describe('backfill after ready', () => {
  it('copies a seeded account, newest chats first, and the status shows it done', async () => {
    await boot();
    seedAccount(t.fake);
    expect(await storeStatus()).toEqual({ chats: 0, messages: 0, backfill: 'idle', progress: 0 });
    await t.pair();
    // The counts in the status may lag a second behind (they are cached).
    const done = await until('the backfill to finish', storeStatus, (store) => store.backfill === 'done' && store.messages === 3);
    expect(done).toEqual({ chats: 2, messages: 3, backfill: 'done', progress: 1 });

    const found = await search('reuniao').expect(200);
    expect(found.body).toEqual({
      ok: true,
      count: 1,
      next_cursor: null,
      results: [
        {
          message: expect.objectContaining({
            id: `false_${ANA}_MSG1`,
            chat_id: ANA,
            body: 'A reunião sobre a fatura é amanhã',
            ack: 'device',
          }),
          chat: { id: ANA, name: 'Ana' },
          snippet: 'A **reunião** sobre a fatura é amanhã',
        },
      ],
    });
    expect((await search('ZURICH').expect(200)).body.results.map((hit: { chat: { name: string } }) => hit.chat.name)).toEqual(['Ben']);
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^store_messages 3$/m);
    expect(metrics.text).toMatch(/^store_chats 2$/m);
    expect(metrics.text).toMatch(/^store_backfill_progress 1$/m);
  });

  it('stops when the session leaves ready and resumes after the next ready', async () => {
    // No automatic restart: the session stays disconnected until started again.
    await boot({ WHATSAPP_RESTART_MIN_MS: '600000', WHATSAPP_RESTART_MAX_MS: '600000' });
    t.fake.chats = Array.from({ length: 6 }, (_, i) => fakeChat(`55119000000${i}@c.us`, 1_700_000_900 - i));
    for (const chat of t.fake.chats) t.fake.messages.set(chat.id, [fakeMessage(chat.id, 1)]);
    await t.pair();
    await until('a first chat copied', storeStatus, (store) => store.messages > 0);
    t.fake.startMode = 'saved';
    t.fake.current.emit('disconnected', 'BROWSER_CLOSED');
    const stopped = await until('the backfill to stop', storeStatus, (store) => store.backfill === 'idle');
    expect(stopped.progress).toBeLessThan(1);
    await t.reached('disconnected');
    await http.post('/api/auth/start').expect(200);
    await t.reached('ready');
    const done = await until(
      'the backfill to finish after the restart',
      storeStatus,
      (store) => store.backfill === 'done' && store.messages === 6,
    );
    expect(done).toEqual({ chats: 6, messages: 6, backfill: 'done', progress: 1 });
  }, 15_000);

  it('WHATSAPP_BACKFILL_MESSAGES=0 copies nothing and stays idle', async () => {
    await boot({ WHATSAPP_BACKFILL_MESSAGES: '0' });
    seedAccount(t.fake);
    await t.pair();
    expect(await storeStatus()).toEqual({ chats: 0, messages: 0, backfill: 'idle', progress: 0 });
  });
});

describe('kept exact from the events', () => {
  beforeEach(async () => {
    await boot({ WHATSAPP_BACKFILL_MESSAGES: '0' });
    await t.pair();
  });

  it('finds what arrives, follows an edit, drops a revoke', async () => {
    t.fake.current.emit('message', { ...fakeMessage(ANA, 10, { body: 'the invoice for March' }), chat_id: ANA });
    const first = await search('invoice').expect(200);
    expect(first.body).toMatchObject({
      ok: true,
      count: 1,
      results: [{ message: { id: `false_${ANA}_MSG10` }, snippet: 'the **invoice** for March' }],
    });

    t.fake.current.emit('message_edit', { id: `false_${ANA}_MSG10`, chat_id: ANA, body: 'the receipt for March' });
    expect((await search('invoice').expect(200)).body).toEqual({ ok: true, count: 0, results: [], next_cursor: null });
    expect((await search('receipt').expect(200)).body.results[0].message).toMatchObject({ body: 'the receipt for March', edited: true });

    t.fake.current.emit('message_revoke_everyone', { id: `false_${ANA}_MSG10`, chat_id: ANA });
    expect((await search('receipt').expect(200)).body).toEqual({ ok: true, count: 0, results: [], next_cursor: null });
    const gone = await http.get(`/api/messages/false_${ANA}_MSG10`).expect(200);
    expect(gone.body.message).toMatchObject({ revoked: true, type: 'revoked', body: '' });
  });

  it('a sent message moves pending → server → device → read, never back', async () => {
    const sent = await http.post('/api/send').send({ phone_number: '+55 11 99999-0000', message: 'pagamento feito' }).expect(200);
    const id = sent.body.message_id as string;
    const ackOf = async () => (await http.get(`/api/messages/${id}`).expect(200)).body.message.ack;
    expect(await ackOf()).toBe('pending');
    for (const ack of ['server', 'device', 'read'] as const) {
      t.fake.current.emit('message_ack', { id, chat_id: ANA, ack });
      expect(await ackOf()).toBe(ack);
    }
    t.fake.current.emit('message_ack', { id, chat_id: ANA, ack: 'device' });
    const res = await http.get(`/api/messages/${id}`).expect(200);
    expect(res.body).toEqual({
      ok: true,
      message: {
        id,
        chat_id: ANA,
        from: FAKE_ACCOUNT.wid,
        to: ANA,
        author: null,
        from_me: true,
        type: 'chat',
        body: 'pagamento feito',
        timestamp: 1_700_000_500,
        has_media: false,
        ack: 'read',
        edited: false,
        revoked: false,
        reactions: {},
      },
    });
  });

  it('an unknown or malformed message id is 404 or 400; /api/messages keeps its own answer', async () => {
    await http.get('/api/messages/false_nope').expect(404, {
      ok: false,
      error: { code: 'message_not_found', message: 'No stored message has the id false_nope.' },
    });
    const spaced = await http.get('/api/messages/a%20b').expect(400);
    expect(spaced.body.error).toEqual({ code: 'invalid_input', message: 'message_id must be a message id' });
    const missing = await http.get('/api/messages').expect(400);
    expect(missing.body.error.code).toBe('invalid_input');
  });

  it('the history answers from the store while WhatsApp is disconnected, oldest first, in pages', async () => {
    for (let n = 1; n <= 5; n += 1) t.fake.current.emit('message', { ...fakeMessage(BEN, n), chat_id: BEN });
    t.fake.current.emit('disconnected', 'BROWSER_CLOSED');
    await t.reached('disconnected');
    const page = await http.get(`/api/chats/${BEN}/messages`).query({ limit: 3 }).expect(200);
    expect(page.body).toMatchObject({ ok: true, chat: { id: BEN, is_group: false }, count: 3, next_before: `false_${BEN}_MSG3` });
    expect(page.body.messages.map((m: { body: string }) => m.body)).toEqual(['message 3', 'message 4', 'message 5']);
    const older = await http.get(`/api/chats/${BEN}/messages`).query({ limit: 3, before: page.body.next_before }).expect(200);
    expect(older.body).toMatchObject({ count: 2, next_before: null });
    expect(older.body.messages.map((m: { body: string }) => m.body)).toEqual(['message 1', 'message 2']);
    await http
      .get('/api/chats/123@c.us/messages')
      .expect(404, { ok: false, error: { code: 'chat_not_found', message: 'The store has no chat 123@c.us.' } });
    const bad = await http.get('/api/chats/not%20a%20chat/messages').expect(400);
    expect(bad.body.error.code).toBe('invalid_input');
  });
});

describe('hostile search input', () => {
  beforeEach(async () => {
    await boot({ WHATSAPP_BACKFILL_MESSAGES: '0' });
    await t.pair();
    t.fake.current.emit('message', { ...fakeMessage(ANA, 1, { body: 'near the (old) bridge: a-b "quoted" text' }), chat_id: ANA });
  });

  it.each(
    [
      ['"unbalanced'],
      ['bridge"'],
      ['*'],
      ['bri*'],
      ['b*'],
      ['-bridge'],
      ['a-b'],
      ['text:bridge'],
      ['body:bridge'],
      ['NEAR(bridge old)'],
      ['bridge NEAR old'],
      ['(old)'],
      ['bridge AND OR NOT'],
      ['^bridge'],
      ['"quoted" "text'],
      ['\u0000bridge'],
      ['ponte'.repeat(2048)],
      ['*:-()"'],
      [''],
      ['   '],
    ].map(([q]) => [JSON.stringify(q).slice(0, 40), q]),
  )('q=%s → 200 or 400, never 500', async (_label, q) => {
    const res = await search(q.slice(0, 10_240));
    expect([200, 400]).toContain(res.status);
    if (res.status === 200) expect(res.body).toMatchObject({ ok: true, count: expect.any(Number), next_cursor: null });
    else expect(res.body).toEqual({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/^q must /) } });
  });

  it('finds operators as plain words', async () => {
    expect((await search('NEAR bridge').expect(200)).body.count).toBe(1);
    expect((await search('"old bridge"').expect(200)).body.count).toBe(1);
    expect((await search('bri*').expect(200)).body.count).toBe(1);
    await search('').expect(400, { ok: false, error: { code: 'invalid_input', message: 'q must be a non-empty string' } });
    expect((await search('b*').expect(200)).body.count).toBe(1);
    expect((await search('bri* '.repeat(200)).expect(200)).body.count).toBe(1);
    await search(Array.from({ length: 17 }, (_, index) => `w${index}`).join(' ')).expect(400, {
      ok: false,
      error: { code: 'invalid_input', message: 'q must have at most 16 different words or phrases' },
    });
  });
});

describe('WHATSAPP_STORE=off', () => {
  it('stores nothing, and search, history and message answer 409 store_disabled; the status store is null', async () => {
    await boot({ WHATSAPP_STORE: 'off' });
    seedAccount(t.fake);
    await t.pair();
    t.fake.current.emit('message', { ...fakeMessage(ANA, 10, { body: 'secret' }), chat_id: ANA });
    const disabled = {
      ok: false,
      error: {
        code: 'store_disabled',
        message:
          'The message store is off (WHATSAPP_STORE=off): nothing is stored to search or read. Set WHATSAPP_STORE=sqlite to keep messages.',
      },
    };
    await search('secret').expect(409, disabled);
    await http.get(`/api/chats/${ANA}/messages`).expect(409, disabled);
    await http.get(`/api/messages/false_${ANA}_MSG10`).expect(409, disabled);
    expect(await storeStatus()).toBeNull();
    const { db } = t.app.get(SqliteConnection);
    expect(db.prepare('SELECT (SELECT count(*) FROM store_messages) + (SELECT count(*) FROM store_chats) AS n').get()).toEqual({ n: 0 });
  });
});

describe('privacy', () => {
  it('a shutdown stop keeps the stored messages; logout deletes them', async () => {
    await boot({ WHATSAPP_BACKFILL_MESSAGES: '0' });
    await t.pair();
    t.fake.current.emit('message', { ...fakeMessage(ANA, 1, { body: 'keep me' }), chat_id: ANA });
    await t.whatsapp.session().stop();
    expect(t.whatsapp.session().currentState).toBe('stopped');
    expect((await search('keep').expect(200)).body.count).toBe(1);
    await http.post('/api/logout').expect(200);
    expect((await search('keep').expect(200)).body.count).toBe(0);
    expect(await storeStatus()).toEqual({ chats: 0, messages: 0, backfill: 'idle', progress: 0 });
  });

  it('an unlink from the phone deletes them too', async () => {
    await boot({ WHATSAPP_BACKFILL_MESSAGES: '0' });
    await t.pair();
    t.fake.current.emit('message', { ...fakeMessage(ANA, 1, { body: 'forget me' }), chat_id: ANA });
    t.fake.current.emit('disconnected', 'LOGOUT');
    await t.reached('stopped');
    expect((await search('forget').expect(200)).body.count).toBe(0);
  });
});

describe('MCP whatsapp_search_messages', () => {
  let m: McpTestApp;
  let client: Client;

  afterEach(async () => {
    await client.close();
  });

  it('finds a message with context around it', async () => {
    m = await startMcpApp({ WHATSAPP_BACKFILL_MESSAGES: '0' });
    await boot({}, m);
    await m.pair();
    for (let n = 1; n <= 5; n += 1) {
      m.fake.current.emit('message', {
        ...fakeMessage(ANA, n, { body: n === 3 ? 'the invoice is attached' : `filler ${n}` }),
        chat_id: ANA,
      });
    }
    ({ client } = await connectClient(m.url));
    const result = await client.callTool({ name: 'whatsapp_search_messages', arguments: { query: 'INVOICE', context: 1 } });
    expect(result.isError).toBeFalsy();
    const answer = textJson(result) as {
      count: number;
      results: { message: { body: string }; context: { before: { body: string }[]; after: { body: string }[] } }[];
    };
    expect(answer.count).toBe(1);
    expect(answer.results[0].message.body).toBe('the invoice is attached');
    expect(answer.results[0].context.before.map((x) => x.body)).toEqual(['filler 2']);
    expect(answer.results[0].context.after.map((x) => x.body)).toEqual(['filler 4']);
    expect(result.structuredContent).toEqual(answer);

    const refused = await client.callTool({ name: 'whatsapp_search_messages', arguments: { query: 'x', context: 9 } });
    expect(refused.isError).toBe(true);
    expect(textJson(refused)).toEqual({ ok: false, error: { code: 'invalid_input', message: 'context must be an integer from 0 to 5' } });
  });
});
