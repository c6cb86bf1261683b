import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import request, { type Response } from 'supertest';
import { createTestApp, type TestApp } from '../app-harness.js';
import { closeServer, fileServer, type FileServer } from '../file-server.js';
import { connectClient, startMcpApp, textJson } from '../mcp-harness.js';
import { PNG, sha256 } from '../media-fixtures.js';

/*
 * A URL is fetched only once the send has passed every cheaper check: the input, the client's state,
 * the sending limits and the number's lookup. The file server counts what the server fetched.
 */

const LIMITS = { WHATSAPP_MEDIA_ALLOW_PRIVATE_URLS: 'true', WHATSAPP_RECIPIENT_LIMIT: '1', WHATSAPP_SEND_LIMIT: '2' };

let t: TestApp;
let http: ReturnType<typeof request>;
let files: FileServer;
let url: (path: string) => string;

beforeEach(async () => {
  files = await fileServer({ '/a.png': { data: PNG, type: 'image/png' } }, '127.0.0.1');
  url = (path) => `http://127.0.0.1:${files.port}${path}`;
});

afterEach(async () => {
  await t.app.close();
  await closeServer(files.server);
});

const sendUrl = (phone_number: string, path = '/a.png', extra: object = {}) =>
  http.post('/api/send-media').send({ phone_number, media: { url: url(path) }, ...extra });

/** The answer of a send refused by the sending limits, as /api/send gives it. */
function expectRateLimited(res: Response, rule: string): void {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(res.body).toEqual({
    ok: false,
    error: { code: 'rate_limited', message: `Too many requests: ${rule}. Try again in ${retryAfter} s.`, retry_after: retryAfter },
  });
}

describe('POST /api/send-media with a URL: the cheap refusals come before the fetch', () => {
  beforeEach(async () => {
    t = await createTestApp(LIMITS);
    http = request(t.app.getHttpServer());
  });

  it('fetches once for a send that goes out, and not at all for one the sending limits refuse', async () => {
    await t.pair();
    await sendUrl('15551110000').expect(200);
    expect(files.seen).toEqual(['/a.png']);

    expectRateLimited(await sendUrl('15551110000'), 'at most 1 messages to one recipient per minute');
    expectRateLimited(
      await http.post('/api/send').send({ phone_number: '15551110000', message: 'hi' }),
      'at most 1 messages to one recipient per minute',
    );
    expect(files.seen).toEqual(['/a.png']);

    await sendUrl('15552220000').expect(200);
    expectRateLimited(await sendUrl('15553330000'), 'at most 2 messages per minute');
    expect(files.seen).toEqual(['/a.png', '/a.png']);
    expect(t.fake.sentMedia).toMatchObject([
      { chatId: '15551110000@c.us', sha256: sha256(PNG) },
      { chatId: '15552220000@c.us', sha256: sha256(PNG) },
    ]);
  });

  it('fetches nothing for a client that is not ready, a number not on WhatsApp or a voice note with a caption', async () => {
    const early = await sendUrl('15551110000');
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'not_ready' });

    await t.pair();
    t.fake.unregistered.add('15551110000');
    const absent = await sendUrl('15551110000');
    expect(absent.status).toBe(404);
    expect(absent.body).toEqual({
      ok: false,
      error: { code: 'not_on_whatsapp', message: '15551110000 is not on WhatsApp; nothing was sent.' },
    });

    const voice = await sendUrl('15552220000', '/a.png', { as_voice: true, caption: 'hi' });
    expect(voice.status).toBe(400);
    expect(voice.body).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'A voice note cannot carry a caption; send the text as its own message.' },
    });
    expect(files.seen).toEqual([]);
    expect(t.fake.sentMedia).toEqual([]);
  });

  it('refuses a URL the guard forbids before looking the number up, and charges a fetch that fails after the lookup', async () => {
    await t.pair();
    t.fake.unregistered.add('15559990000');
    // Refused before any WhatsApp traffic: a number not on WhatsApp would answer 404 after its lookup.
    const forbidden = await http
      .post('/api/send-media')
      .send({ phone_number: '15559990000', media: { url: `http://user:secret@127.0.0.1:${files.port}/a.png` } });
    expect(forbidden.status).toBe(400);
    expect(forbidden.body).toEqual({
      ok: false,
      error: {
        code: 'url_not_allowed',
        message: `The media URL is not allowed: http://127.0.0.1:${files.port}/a.png carries a user name or password.`,
      },
    });
    // After the lookup, a failed fetch keeps its slot: otherwise failing URLs would look numbers up for free.
    const missing = await sendUrl('15551110000', '/nope.png');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: `The media URL http://127.0.0.1:${files.port}/nope.png could not be fetched: HTTP 404.` },
    });
    expectRateLimited(await sendUrl('15551110000'), 'at most 1 messages to one recipient per minute');
    await sendUrl('15552220000').expect(200);
    expectRateLimited(await sendUrl('15553330000'), 'at most 2 messages per minute');
    expect(files.seen).toEqual(['/nope.png', '/a.png']);
    expect(t.fake.sentMedia).toHaveLength(1);
  });

  it('answers an Idempotency-Key repeat with the first answer, without fetching again', async () => {
    await t.pair();
    const send = () =>
      http
        .post('/api/send-media')
        .set('Idempotency-Key', 'url-1')
        .send({ phone_number: '15551110000', media: { url: url('/a.png') } });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(files.seen).toEqual(['/a.png']);
    expect(t.fake.sentMedia).toHaveLength(1);
  });
});

describe('whatsapp_send_media with a URL', () => {
  let client: Client;

  afterEach(async () => {
    await client.close();
  });

  it('a send the limits refuse fetches nothing; a repeat with the key answers the first without fetching', async () => {
    const mcp = await startMcpApp(LIMITS);
    t = mcp;
    ({ client } = await connectClient(mcp.url));
    await t.pair();
    const call = async (args: Record<string, unknown>) => {
      const result = await client.callTool({ name: 'whatsapp_send_media', arguments: args });
      return { isError: result.isError === true, json: textJson(result) };
    };
    const args = { phone_number: '15551110000', url: url('/a.png'), idempotency_key: 'k-1' };
    const first = await call(args);
    expect(first).toEqual({ isError: false, json: expect.objectContaining({ ok: true, to: '15551110000' }) as object });
    expect(await call(args)).toEqual(first);
    expect(await call({ phone_number: '15551110000', url: url('/a.png') })).toEqual({
      isError: true,
      json: {
        ok: false,
        error: {
          code: 'rate_limited',
          message: expect.stringMatching(
            /^Too many requests: at most 1 messages to one recipient per minute\. Try again in \d+ s\.$/,
          ) as string,
          retry_after: expect.any(Number) as number,
        },
      },
    });
    expect(files.seen).toEqual(['/a.png']);
    expect(t.fake.sentMedia).toHaveLength(1);
  });
});
