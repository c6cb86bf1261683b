import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { createTestApp, type TestApp } from '../app-harness.js';

let t: TestApp;
let http: ReturnType<typeof request>;
/** The app's own database, opened beside it (WAL) to age or interrupt a key. */
let db: Database.Database;

beforeEach(async () => {
  t = await createTestApp();
  db = new Database(join(t.config.dataDir, 'whatsapp.db'));
  http = request(t.app.getHttpServer());
});

afterEach(async () => {
  db.close();
  await t.app.close();
});

const BODY = { phone_number: '+1 555 123 4567', message: 'Payment reminder' };
const SENT = {
  ok: true,
  to: '15551234567',
  chat_id: '15551234567@c.us',
  message_id: 'true_15551234567@c.us_SENT1',
  timestamp: expect.any(String),
};
const send = (key: string | undefined, body: object = BODY) => {
  const req = http.post('/api/send');
  if (key !== undefined) req.set('Idempotency-Key', key);
  return req.send(body);
};

describe('Idempotency-Key on POST /api/send', () => {
  it('50 concurrent requests with one key and body send once: one original, the rest replays or in progress', async () => {
    await t.pair();
    const answers = await Promise.all(Array.from({ length: 50 }, () => send('reminder-42')));
    expect(t.fake.sent).toEqual([{ chatId: '15551234567@c.us', text: 'Payment reminder' }]);
    const originals = answers.filter((res) => res.status === 200 && res.headers['idempotency-replayed'] === undefined);
    expect(originals).toHaveLength(1);
    const original = originals[0].body;
    expect(original).toEqual(SENT);
    for (const res of answers.filter((a) => !originals.includes(a))) {
      if (res.status === 200) {
        expect(res.headers['idempotency-replayed']).toBe('true');
        expect(res.body).toEqual(original);
      } else {
        expect(res.status).toBe(409);
        expect(res.body).toEqual({
          ok: false,
          error: {
            code: 'idempotency_in_progress',
            message: 'A request with this Idempotency-Key is still in progress; retry once it has finished.',
          },
        });
      }
    }
  });

  it('a later repeat replays the first answer; the same key with another body is 422', async () => {
    await t.pair();
    const first = await send('k1').expect(200);
    expect(first.headers['idempotency-replayed']).toBeUndefined();
    // Key order and spacing of the JSON do not make another request.
    const again = await send('k1', { message: BODY.message, phone_number: BODY.phone_number }).expect(200);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await send('k1', { ...BODY, message: 'Another text' }).expect(422);
    expect(other.body).toEqual({
      ok: false,
      error: {
        code: 'idempotency_mismatch',
        message: 'This Idempotency-Key was already used with a different request body; use a new key for a new request.',
      },
    });
    expect(t.fake.sent).toHaveLength(1);
    // Another key is another request.
    await send('k2').expect(200);
    expect(t.fake.sent).toHaveLength(2);
  });

  it.each([
    ['empty', ''],
    ['with a space', 'a b'],
    ['over 255 characters', 'k'.repeat(256)],
    ['not ASCII', 'clé'],
  ])('a key %s is 400 invalid_input and sends nothing', async (_what, key) => {
    await t.pair();
    const res = await http.post('/api/send').set('Idempotency-Key', Buffer.from(key, 'utf8').toString('latin1')).send(BODY).expect(400);
    expect(res.body).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters (no spaces).' },
    });
    expect(t.fake.sent).toEqual([]);
  });

  it('a key of 255 visible characters is accepted', async () => {
    await t.pair();
    await send('~'.repeat(255)).expect(200);
  });

  it('not_on_whatsapp is final: replayed with the header', async () => {
    await t.pair();
    t.fake.unregistered.add('15551234567');
    const first = await send('k3').expect(404);
    const message = '15551234567 is not on WhatsApp; nothing was sent.';
    expect(first.body).toEqual({ ok: false, error: { code: 'not_on_whatsapp', message } });
    t.fake.unregistered.delete('15551234567');
    const again = await send('k3').expect(404);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(t.fake.sent).toEqual([]);
  });

  it('a send that failed after it was handed to WhatsApp keeps its key: the retry replays the error, nothing is sent again', async () => {
    await t.pair();
    t.fake.failSends = true;
    const first = await send('k-maybe').expect(502);
    expect(first.body).toEqual({
      ok: false,
      error: { code: 'whatsapp_error', message: 'WhatsApp Web failed to send the message: Evaluation failed: send failed' },
    });
    t.fake.failSends = false;
    const again = await send('k-maybe').expect(502);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(t.fake.sent).toEqual([]);
  });

  it('transient refusals release the key: not_ready, then the same key sends once ready', async () => {
    const refused = await send('k4').expect(409);
    expect(refused.body.error.code).toBe('not_ready');
    expect(refused.headers['idempotency-replayed']).toBeUndefined();
    await t.pair();
    const sent = await send('k4').expect(200);
    expect(sent.headers['idempotency-replayed']).toBeUndefined();
    expect(t.fake.sent).toHaveLength(1);
  });

  it('invalid input releases the key too', async () => {
    await t.pair();
    await send('k5', { phone_number: '12', message: 'x' }).expect(400);
    await send('k5', { phone_number: '12', message: 'x' }).expect(400);
  });

  it('a key left in progress by a crash answers 409 saying the first attempt was interrupted', async () => {
    await t.pair();
    await send('k6').expect(200);
    db.prepare("UPDATE idempotency_keys SET answer = NULL WHERE key = 'k6'").run();
    const res = await send('k6').expect(409);
    expect(res.body).toEqual({
      ok: false,
      error: {
        code: 'idempotency_in_progress',
        message:
          'The first request with this Idempotency-Key was interrupted by a server restart before it answered: ' +
          'it may or may not have taken effect. Check (e.g. the chat) before repeating it with a new key.',
        interrupted: true,
      },
    });
    expect(t.fake.sent).toHaveLength(1);
  });

  it('an expired key is free again', async () => {
    await t.pair();
    await send('k7').expect(200);
    db.prepare("UPDATE idempotency_keys SET expires_at = 0 WHERE key = 'k7'").run();
    const res = await send('k7', { ...BODY, message: 'New text' }).expect(200);
    expect(res.headers['idempotency-replayed']).toBeUndefined();
    expect(t.fake.sent).toHaveLength(2);
  });

  it('without a key every request sends', async () => {
    await t.pair();
    await send(undefined).expect(200);
    await send(undefined).expect(200);
    expect(t.fake.sent).toHaveLength(2);
  });
});
