import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createSandboxApp, SANDBOX_TEST_KEY as KEY } from '../../test/sandbox-app.js';
import { SANDBOX_CSP, SANDBOX_LOGIN_ROUTE } from './sandbox-routes.js';

/* The sandbox's routes with the real global pipe and filter (see createSandboxApp). */

describe('sandbox routes', () => {
  let app: NestExpressApplication;
  beforeAll(async () => {
    app = await createSandboxApp({ chats: 8, timeoutMs: 2000 });
  });
  afterAll(async () => {
    await app.close();
  });

  it('GET /api/sandbox answers the phone state', async () => {
    const res = await request(app.getHttpServer()).get('/api/sandbox');
    expect([res.status, res.body]).toEqual([200, { ok: true, me: '15550000000', linked: false, qr_pending: false, chats: 8 }]);
  });

  it('refuses bad input with 400 invalid_input naming the field', async () => {
    const res = await request(app.getHttpServer()).post('/api/sandbox/incoming').send({ from: 'me', body: 'hi' });
    expect([res.status, res.body]).toEqual([
      400,
      { ok: false, error: { code: 'invalid_input', message: 'from must be a phone number with country code (8-15 digits)' } },
    ]);
    const sent = await request(app.getHttpServer()).get('/api/sandbox/sent?limit=0');
    expect([sent.status, sent.body.error]).toEqual([
      400,
      { code: 'invalid_input', message: 'limit must be an integer between 1 and 1000' },
    ]);
  });

  it('answers 409 not_ready for a message while no device is linked', async () => {
    const res = await request(app.getHttpServer()).post('/api/sandbox/incoming').send({ from: '+49 151 23456789', body: 'Hallo' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('not_ready');
  });

  it('seeds, lists what was sent and marks numbers unregistered', async () => {
    const seeded = await request(app.getHttpServer()).post('/api/sandbox/seed').send({ chats: 12, messages_per_chat: 2 });
    expect([seeded.status, seeded.body]).toEqual([200, { ok: true, chats: 12, messages_per_chat: 2 }]);
    const sent = await request(app.getHttpServer()).get('/api/sandbox/sent');
    expect([sent.status, sent.body]).toEqual([200, { ok: true, messages: [] }]);
    const registered = await request(app.getHttpServer())
      .post('/api/sandbox/registered')
      .send({ numbers: ['+1 555 000 1111'], registered: false });
    expect([registered.status, registered.body]).toEqual([200, { ok: true, numbers: ['15550001111'], registered: false }]);
  });

  it('serves the page with a strict CSP, the plain sandbox notice, the contacts and only external script and style', async () => {
    const res = await request(app.getHttpServer()).get('/sandbox');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toBe(SANDBOX_CSP);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('Sandbox: simulated WhatsApp, no real messages are sent');
    expect(res.text).toContain('<option value="15551000002">Ana Souza (+15551000002)</option>');
    expect(res.text).toContain('<option value="Family">Family</option>');
    expect(res.text.match(/<script[^>]*>/g)).toEqual(['<script src="/sandbox/sandbox.js" defer>']);
    expect(res.text).not.toMatch(/<style|\sstyle=|\son[a-z]+=/);
    const script = await request(app.getHttpServer()).get('/sandbox/sandbox.js');
    expect([script.status, script.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(script.text).toContain("'/api/sandbox/incoming'");
    const style = await request(app.getHttpServer()).get('/sandbox/sandbox.css');
    expect([style.status, style.headers['content-type']]).toEqual([200, 'text/css; charset=utf-8']);
  });

  it('asks a browser without the key for it, as the QR page does, and sets the cookie for the right one', async () => {
    const form = await request(app.getHttpServer()).get('/sandbox').set('x-test-auth', 'no');
    expect(form.status).toBe(401);
    expect(form.text).toContain(`<form method="post" action="${SANDBOX_LOGIN_ROUTE}">`);
    expect(form.text).not.toContain('Ana Souza');
    const wrong = await request(app.getHttpServer()).post(SANDBOX_LOGIN_ROUTE).set('x-test-auth', 'no').type('form').send({ key: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('That key is not right.');
    const right = await request(app.getHttpServer()).post(SANDBOX_LOGIN_ROUTE).set('x-test-auth', 'no').type('form').send({ key: KEY });
    expect([right.status, right.headers.location]).toEqual([303, '/sandbox']);
    expect(right.headers['set-cookie']?.[0]).toMatch(/^wa_mcp_qr=\d+\.[\w-]+; HttpOnly; SameSite=Strict; Path=\/; Max-Age=3600$/);
  });
});
