import request from 'supertest';
import { createTestApp, type TestApp } from '../app-harness.js';
import { fakeChat } from '../fake-whatsapp.js';

/*
 * Calls made while the client goes away under them (the fake reports `disconnected`, then fails
 * the call with ClientGoneError, as the adapter does): a crash is waited out, never a 502.
 */

let t: TestApp;
let http: ReturnType<typeof request>;

async function readyApp(env: Record<string, string> = {}): Promise<void> {
  t = await createTestApp(env);
  http = request(t.app.getHttpServer());
  await t.pair();
  // What a restart finds: the saved session, restored without a QR.
  t.fake.startMode = 'saved';
}

afterEach(async () => {
  await t.app.close();
});

const send = () => http.post('/api/send').send({ phone_number: '15551234567', message: 'hello' });

describe('a call while the client goes away', () => {
  it('a lookup cut off by Chrome dying waits for the new client and sends once: 200', async () => {
    await readyApp();
    t.fake.crash = { call: 'getNumberId', reason: 'BROWSER_CLOSED' };
    const res = await send().expect(200);
    expect(res.body).toMatchObject({ ok: true, to: '15551234567', chat_id: '15551234567@c.us', message_id: 'true_15551234567@c.us_SENT1' });
    expect(t.fake.sent).toEqual([{ chatId: '15551234567@c.us', text: 'hello' }]);
    expect(t.fake.clients).toHaveLength(2);
    expect(t.fake.clients[0].destroyed).toBe(1);
    expect(t.whatsapp.session().currentState).toBe('ready');
  });

  it('a send cut off (it may have gone out) is not repeated: 409 not_ready saying so', async () => {
    await readyApp();
    t.fake.crash = { call: 'sendText', reason: 'BROWSER_CLOSED' };
    const res = await send().expect(409);
    expect(res.body).toEqual({
      ok: false,
      error: {
        code: 'not_ready',
        state: 'disconnected',
        message:
          'WhatsApp Web went away during the call (Protocol error (Runtime.callFunctionOn): Target closed); ' +
          'it may or may not have taken effect: check before repeating it.',
      },
    });
    expect(t.fake.sent).toEqual([]);
  });

  it('a client that does not come back within WHATSAPP_READY_TIMEOUT_MS: 409 not_ready, nothing sent', async () => {
    await readyApp({ WHATSAPP_READY_TIMEOUT_MS: '100' });
    t.fake.startMode = 'hang';
    t.fake.crash = { call: 'getNumberId', reason: 'BROWSER_CLOSED' };
    const res = await send().expect(409);
    expect(res.body).toEqual({
      ok: false,
      error: {
        code: 'not_ready',
        state: 'starting',
        message: 'WhatsApp Web is still starting (state starting); try again in a few seconds.',
      },
    });
    expect(t.fake.sent).toEqual([]);
  });

  it('a read cut off by a phone-side unlink: 409 not_ready (pair again), not 502', async () => {
    await readyApp();
    t.fake.chats = [fakeChat('15551234567@c.us', 1)];
    t.fake.crash = { call: 'getChats', reason: 'LOGOUT' };
    const res = await http.get('/api/chats').expect(409);
    expect(res.body).toEqual({
      ok: false,
      error: {
        code: 'not_ready',
        state: 'stopped',
        message: expect.stringContaining('Logged out: the device was unlinked from the phone (LOGOUT). Pair again to use WhatsApp.'),
      },
    });
    expect(t.fake.clients).toHaveLength(1);
  });

  it('messages read after a crash come from the new client: 200', async () => {
    await readyApp();
    t.fake.chats = [fakeChat('15551234567@c.us', 1)];
    t.fake.crash = { call: 'getChatMessages', reason: 'PAGE_CRASHED' };
    const res = await http.get('/api/messages').query({ phone_number: '15551234567' }).expect(200);
    expect(res.body).toMatchObject({ ok: true, count: 0, chat: { id: '15551234567@c.us' } });
    expect(t.fake.clients).toHaveLength(2);
  });
});
