import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { SANDBOX_CHROME_ARGS, SANDBOX_WEB_VERSION } from '../../src/sandbox/sandbox-phone.js';
import { SANDBOX_CSP } from '../../src/sandbox/sandbox-routes.js';
import { createTestApp, type TestApp } from '../app-harness.js';
import { tempDir } from '../temp-dirs.js';

/* The sandbox wired into the app (issue 11): only when on, its own profile and launch settings, behind the key. */

const KEY = 'sandbox-e2e-key-0123456789';
let t: TestApp | undefined;

afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

describe('outside a sandbox', () => {
  it.each(['/api/sandbox', '/api/sandbox/sent', '/sandbox', '/sandbox/sandbox.js'])('GET %s is an unknown route (404)', async (path) => {
    t = await createTestApp();
    const res = await request(t.app.getHttpServer()).get(path).expect(404);
    expect(res.body).toEqual({ ok: false, error: { code: 'not_found', message: `Cannot GET ${path}` } });
  });

  it('with a key set, the page and its form are not open: 401 as for any unknown route', async () => {
    t = await createTestApp({ WHATSAPP_API_KEY: KEY });
    const http = request(t.app.getHttpServer());
    for (const call of [http.get('/sandbox'), http.post('/sandbox/login').type('form').send({ key: KEY })]) {
      const res = await call.expect(401);
      expect(res.body).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
  });

  it('the status has no sandbox field', async () => {
    t = await createTestApp();
    const res = await request(t.app.getHttpServer()).get('/api/status').expect(200);
    expect(res.body).not.toHaveProperty('sandbox');
  });
});

describe('in a sandbox', () => {
  const boot = async (env: Record<string, string> = {}) => {
    const dir = tempDir('wa-sandbox-');
    t = await createTestApp({
      WHATSAPP_SANDBOX: 'true',
      WHATSAPP_SANDBOX_DIR: dir,
      WHATSAPP_SANDBOX_CHATS: '3',
      WHATSAPP_API_KEY: KEY,
      ...env,
    });
    return { app: t, dir, http: request(t.app.getHttpServer()) };
  };

  it('starts the client at boot on the simulated page, in its own profile, with the user flags first', async () => {
    const { app, dir, http } = await boot({ WHATSAPP_CHROME_ARGS: '--lang=de --disable-sync' });
    await app.reached('qr');
    expect(app.fake.clients).toHaveLength(1);
    const { options } = app.fake.current;
    expect(options).toMatchObject({ authDir: join(dir, 'auth'), webVersion: SANDBOX_WEB_VERSION, webCacheDir: join(dir, 'web-cache') });
    const userFirst = ['--lang=de', '--disable-sync', ...SANDBOX_CHROME_ARGS.filter((flag) => flag !== '--disable-sync')];
    expect(options.chromeArgs.slice(-userFirst.length)).toEqual(userFirst);
    expect(readdirSync(join(dir, 'web-cache'))).toEqual([`${SANDBOX_WEB_VERSION}.html`]);
    // The real auth folder is never used.
    expect(readdirSync(app.config.authDir)).toEqual([]);

    const status = await http.get('/api/status').set('X-Api-Key', KEY).expect(200);
    expect(status.body).toMatchObject({ state: 'qr', sandbox: true, auth_dir: join(dir, 'auth') });
  });

  it('serves its JSON controls behind the key', async () => {
    const { http } = await boot();
    await http.get('/api/sandbox').expect(401);
    const res = await http.get('/api/sandbox').set('X-Api-Key', KEY).expect(200);
    expect(res.body).toEqual({ ok: true, me: '15550000000', linked: false, qr_pending: false, chats: 3 });
  });

  it('gives every session a phone of its own: its number, its chats, its page', async () => {
    const { app, dir, http } = await boot();
    await app.reached('qr');
    await http.post('/api/sessions').set('X-Api-Key', KEY).send({ name: 'sales' }).expect(201);
    const started = await http.post('/api/sessions/sales/auth/start').set('X-Api-Key', KEY).expect(200);
    expect(started.body.state).toBe('qr');
    expect(app.fake.clientOf('sales').options).toMatchObject({ authDir: join(dir, 'auth'), webCacheDir: join(dir, 'web-cache-sales') });
    expect(readdirSync(join(dir, 'web-cache-sales'))).toEqual([`${SANDBOX_WEB_VERSION}.html`]);
    const sales = await http.get('/api/sessions/sales/sandbox').set('X-Api-Key', KEY).expect(200);
    expect(sales.body).toEqual({ ok: true, me: '15550000001', linked: false, qr_pending: false, chats: 3 });
    await http.post('/api/sessions/sales/sandbox/seed').set('X-Api-Key', KEY).send({ chats: 1, messages_per_chat: 1 }).expect(200);
    expect((await http.get('/api/sessions/sales/sandbox').set('X-Api-Key', KEY).expect(200)).body.chats).toBe(1);
    // The default session's phone is another one, untouched.
    expect((await http.get('/api/sandbox').set('X-Api-Key', KEY).expect(200)).body).toMatchObject({ me: '15550000000', chats: 3 });
    await http.get('/api/sessions/nope/sandbox').set('X-Api-Key', KEY).expect(404);
  });

  it('opens the page with a key form, whose cookie then opens the page and the controls', async () => {
    const { http } = await boot();
    const form = await http
      .get('/sandbox')
      .expect(401)
      .expect('Content-Security-Policy', SANDBOX_CSP)
      .expect('Referrer-Policy', 'same-origin');
    expect(form.text).toContain('action="/sandbox/login"');
    const wrong = await http.post('/sandbox/login').type('form').send({ key: 'nope' }).expect(401);
    expect(wrong.text).toContain('That key is not right.');
    const login = await http.post('/sandbox/login').type('form').send({ key: KEY }).expect(303).expect('Location', '/sandbox');
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const page = await http.get('/sandbox').set('Cookie', cookie).expect(200).expect('Content-Security-Policy', SANDBOX_CSP);
    expect(page.text).toContain('Sandbox: simulated WhatsApp, no real messages are sent');
    const state = await http.get('/api/sandbox').set('Cookie', cookie).expect(200);
    expect(state.body).toMatchObject({ ok: true, chats: 3 });
    // The cookie does not stand in for the key on the rest of the API.
    await http.get('/api/chats').set('Cookie', cookie).expect(401);
  });

  it("reads a contact's file of several MiB on /api/sandbox/incoming only; every other route keeps the 1 MiB limit", async () => {
    const { http } = await boot();
    const media = { data: Buffer.alloc(3 * 1_048_576, 7).toString('base64'), mimetype: 'application/pdf', filename: 'big.pdf' };
    // Read and validated: refused only because no device is linked yet (the fake client never links the sandbox phone).
    const incoming = await http.post('/api/sandbox/incoming').set('X-Api-Key', KEY).send({ from: '15551234567', media }).expect(409);
    expect(incoming.body).toMatchObject({ ok: false, error: { code: 'not_ready', message: expect.stringMatching(/no linked device/) } });
    const ack = await http
      .post('/api/sandbox/ack')
      .set('X-Api-Key', KEY)
      .send({ id: 'true_1@c.us_A', ack: 'read', pad: media.data })
      .expect(413);
    expect(ack.body).toEqual({ ok: false, error: { code: 'payload_too_large', message: 'Request body is larger than 1 MiB' } });
    const tooBig = { ...media, data: Buffer.alloc(17 * 1_048_576).toString('base64') };
    const refused = await http.post('/api/sandbox/incoming').set('X-Api-Key', KEY).send({ from: '15551234567', media: tooBig }).expect(413);
    expect(refused.body).toEqual({ ok: false, error: { code: 'payload_too_large', message: 'Request body is larger than 22 MiB' } });
  });

  it('removes a temporary sandbox folder on shutdown, keeps a given one', async () => {
    const { app, dir } = await boot();
    await app.app.close();
    t = undefined;
    expect(existsSync(join(dir, 'web-cache'))).toBe(true);
  });
});
