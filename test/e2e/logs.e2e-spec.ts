import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { createTestApp, type TestApp } from '../app-harness.js';

/*
 * Its own file: nestjs-pino keeps one root logger per process (per Jest test file), made by the
 * first app, so the app whose logs are captured must be the first one booted here.
 */

const KEY = 'ops-key-0123456789abcdef';
let t: TestApp;

afterEach(async () => {
  await t?.app.close();
});

describe('structured logs', () => {
  it('are JSON lines: one per request and per state change, never the key nor a message body', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    t = await createTestApp({ WHATSAPP_API_KEY: KEY, LOG_LEVEL: 'info' }, { logger: pino({ level: 'info' }, stream) });
    const http = request(t.app.getHttpServer());
    const auth = { 'X-Api-Key': KEY };
    await http.post('/api/auth/start').set(auth).expect(200);
    t.fake.current.scan();
    await t.whatsapp.session().waitFor((s) => s === 'ready', 2000);
    await http.post('/api/send').set(auth).send({ phone_number: '15551234567', message: 'the secret body 4711' }).expect(200);
    await http.get('/api/status').set('Authorization', `Bearer ${KEY}`).expect(200);
    await http.get('/api/status').set('X-Api-Key', 'wrong-key-here').expect(401);
    await http.get('/api/chats/15559876543@c.us/messages').set(auth).expect(404);
    const lines = chunks.join('').split('\n').filter(Boolean);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, any>);
    const access = entries.filter((e) => e.req && e.res);
    expect(access.map((e) => e.msg)).toEqual([
      'POST /api/auth/start 200',
      'POST /api/send 200',
      'GET /api/status 200',
      'GET /api/status 401',
      // A route's parameters are phone numbers: its template is logged instead.
      'GET /api/chats/:chat_id/messages 404',
    ]);
    expect(access[1]).toMatchObject({
      level: 30,
      req: { id: expect.any(String), method: 'POST', path: '/api/send' },
      res: { status: 200 },
      route: '/api/send',
      duration_ms: expect.any(Number),
    });
    expect(access[3].level).toBe(40);
    expect(entries.filter((e) => /^state \w+ -> \w+/.test(e.msg)).map((e) => e.msg)).toEqual([
      'state stopped -> starting',
      'state starting -> qr',
      'state qr -> authenticated',
      'state authenticated -> ready',
    ]);
    const all = lines.join('\n');
    expect(all).not.toContain(KEY);
    expect(all).not.toContain('wrong-key-here');
    expect(all).not.toContain('the secret body 4711');
    expect(all).not.toContain('15559876543');
  });
});
