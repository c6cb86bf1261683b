import request from 'supertest';
import { createTestApp, type TestApp } from '../app-harness.js';
import { closeServer, fileServer } from '../file-server.js';
import { OGG_OPUS, PDF, PNG, sha256 } from '../media-fixtures.js';

const PHONE_RULE = 'phone_number must include country code and contain 8-15 digits';
const MAX = 16 * 1_048_576;

let t: TestApp;
let http: ReturnType<typeof request>;

afterEach(async () => {
  await t.app.close();
});

describe('POST /api/send-media (default settings)', () => {
  beforeEach(async () => {
    t = await createTestApp();
    http = request(t.app.getHttpServer());
  });

  it('sends base64 JSON, typed from the bytes, and answers as /api/send does', async () => {
    await t.pair();
    const res = await http
      .post('/api/send-media')
      .send({ phone_number: '+1 555 123 4567', caption: 'The chart', media: { data: PNG.toString('base64'), mimetype: 'application/pdf' } })
      .expect(200);
    expect(res.body).toEqual({
      ok: true,
      to: '15551234567',
      chat_id: '15551234567@c.us',
      message_id: 'true_15551234567@c.us_MEDIA1',
      timestamp: '2023-11-14T22:21:40.000Z',
    });
    expect(t.fake.sentMedia).toEqual([
      {
        chatId: '15551234567@c.us',
        mimetype: 'image/png',
        filename: 'file.png',
        size: PNG.length,
        sha256: sha256(PNG),
        caption: 'The chart',
        asVoice: false,
        asDocument: false,
      },
    ]);
  });

  it('sends a multipart upload: a PDF as a document with its name, an OGG as a voice note', async () => {
    await t.pair();
    await http
      .post('/api/send-media')
      .field('phone_number', '15551234567')
      .field('caption', 'March')
      .attach('file', PDF, 'invoice.pdf')
      .expect(200);
    await http
      .post('/api/send-media')
      .field('phone_number', '15551234567')
      .field('as_voice', 'true')
      .attach('file', OGG_OPUS, { filename: 'note.ogg', contentType: 'audio/ogg' })
      .expect(200);
    expect(
      t.fake.sentMedia.map(({ mimetype, filename, sha256, asVoice, asDocument, caption }) => ({
        mimetype,
        filename,
        sha256,
        asVoice,
        asDocument,
        caption,
      })),
    ).toEqual([
      { mimetype: 'application/pdf', filename: 'invoice.pdf', sha256: sha256(PDF), asVoice: false, asDocument: true, caption: 'March' },
      {
        mimetype: 'audio/ogg; codecs=opus',
        filename: 'note.ogg',
        sha256: sha256(OGG_OPUS),
        asVoice: true,
        asDocument: false,
        caption: undefined,
      },
    ]);
  });

  it.each([
    ['127.0.0.1', (port: number) => `http://127.0.0.1:${port}/a.png`, 'a loopback address'],
    ['[::1]', (port: number) => `http://[::1]:${port}/a.png`, 'a loopback address'],
    [
      '[::ffff:127.0.0.1]',
      (port: number) => `http://[::ffff:127.0.0.1]:${port}/a.png`,
      'an IPv4-mapped IPv6 address of a loopback address',
    ],
    ['localhost', (port: number) => `http://localhost:${port}/a.png`, 'names this machine (localhost)'],
  ])('refuses a URL to %s before any connection (the server sees no request)', async (_host, url, reason) => {
    const files = await fileServer({ '/a.png': { data: PNG, type: 'image/png' } });
    try {
      await t.pair();
      const res = await http.post('/api/send-media').send({ phone_number: '15551234567', media: { url: url(files.port) } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ ok: false, error: { code: 'url_not_allowed', message: expect.stringContaining(reason) as string } });
      expect(files.seen).toEqual([]);
      expect(t.fake.sentMedia).toEqual([]);
    } finally {
      await closeServer(files.server);
    }
  });

  it('refuses 16 MiB + 1 byte with 413, by upload and by base64, and sends nothing', async () => {
    await t.pair();
    const big = Buffer.alloc(MAX + 1, 7);
    const upload = await http.post('/api/send-media').field('phone_number', '15551234567').attach('file', big, 'big.bin');
    expect(upload.status).toBe(413);
    expect(upload.body).toEqual({
      ok: false,
      error: { code: 'payload_too_large', message: 'The file is larger than 16 MiB (WHATSAPP_MEDIA_MAX_BYTES).' },
    });
    const json = await http
      .post('/api/send-media')
      .send({ phone_number: '15551234567', media: { data: big.toString('base64'), mimetype: 'image/png' } });
    expect(json.status).toBe(413);
    expect(json.body).toEqual({
      ok: false,
      error: { code: 'payload_too_large', message: 'The media is larger than 16 MiB (WHATSAPP_MEDIA_MAX_BYTES).' },
    });
    expect(t.fake.sentMedia).toEqual([]);
  });

  it('refuses a JSON body past the room for a 16 MiB file while reading it', async () => {
    const res = await http
      .post('/api/send-media')
      .set('content-type', 'application/json')
      .send(`{"phone_number":"15551234567","media":{"data":"${'A'.repeat(24 * 1_048_576)}","mimetype":"image/png"}}`);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
  });

  it.each([
    [{ media: { data: PNG.toString('base64'), mimetype: 'image/png' } }, PHONE_RULE],
    [{ phone_number: '15551234567' }, 'media must be { url } or { data, mimetype, filename? } (or a multipart part named file)'],
    [
      { phone_number: '15551234567', media: { url: 'x', data: 'AAAA' } },
      'media must be { url } or { data, mimetype, filename? } (or a multipart part named file)',
    ],
    [
      { phone_number: '15551234567', media: { url: 'not a url' } },
      'url must be an absolute http:// or https:// URL of at most 2048 characters',
    ],
    [
      { phone_number: '15551234567', media: { data: 'not base64!', mimetype: 'image/png' } },
      'data must be the file in base64 (A-Z, a-z, 0-9, +, /, = padding; no line breaks)',
    ],
    [
      { phone_number: '15551234567', media: { data: 'AAAA' } },
      'mimetype must be a MIME type such as image/png (it is a hint: the type is read from the bytes)',
    ],
    [{ phone_number: '15551234567', as_voice: 'yes', media: { data: 'AAAA', mimetype: 'audio/ogg' } }, 'as_voice must be true or false'],
  ])('refuses %j with 400', async (body, message) => {
    const res = await http.post('/api/send-media').send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ ok: false, error: { code: 'invalid_input', message } });
  });

  it('refuses a multipart form without a file, and a voice note that is not audio', async () => {
    await t.pair();
    const noFile = await http.post('/api/send-media').field('phone_number', '15551234567');
    expect(noFile.status).toBe(400);
    expect(noFile.body.error).toEqual({
      code: 'invalid_input',
      message: 'media must be { url } or { data, mimetype, filename? } (or a multipart part named file)',
    });
    const voice = await http
      .post('/api/send-media')
      .field('phone_number', '15551234567')
      .field('as_voice', 'true')
      .attach('file', PNG, 'a.ogg');
    expect(voice.status).toBe(400);
    expect(voice.body.error).toEqual({
      code: 'invalid_input',
      message: 'as_voice needs an audio file (OGG/Opus is best); this file is image/png.',
    });
    expect(t.fake.sentMedia).toEqual([]);
  });

  it('goes the way of a text send: not_ready before linking, not_on_whatsapp, nothing sent', async () => {
    const media = { data: PNG.toString('base64'), mimetype: 'image/png' };
    const early = await http.post('/api/send-media').send({ phone_number: '15551234567', media });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('not_ready');
    await t.pair();
    t.fake.unregistered.add('15551234567');
    const res = await http.post('/api/send-media').send({ phone_number: '15551234567', media });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      ok: false,
      error: { code: 'not_on_whatsapp', message: '15551234567 is not on WhatsApp; nothing was sent.' },
    });
    expect(t.fake.sentMedia).toEqual([]);
  });

  it('honours Idempotency-Key for uploads: the same file is sent once, another file with the key is 422', async () => {
    await t.pair();
    const send = (file: Buffer) =>
      http.post('/api/send-media').set('Idempotency-Key', 'media-1').field('phone_number', '15551234567').attach('file', file, 'x.pdf');
    const first = await send(PDF);
    const again = await send(PDF);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await send(PNG);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_mismatch');
    expect(t.fake.sentMedia).toHaveLength(1);
  });
});

describe('POST /api/send-media with WHATSAPP_MEDIA_MAX_BYTES=1048576', () => {
  it('accepts exactly the cap by upload and base64, and refuses one byte more', async () => {
    t = await createTestApp({ WHATSAPP_MEDIA_MAX_BYTES: '1048576' });
    http = request(t.app.getHttpServer());
    await t.pair();
    const exact = Buffer.alloc(1_048_576, 7);
    await http.post('/api/send-media').field('phone_number', '15551234567').attach('file', exact, 'exact.bin').expect(200);
    await http
      .post('/api/send-media')
      .send({ phone_number: '15551234567', media: { data: exact.toString('base64'), mimetype: 'text/plain' } })
      .expect(200);
    const over = await http
      .post('/api/send-media')
      .field('phone_number', '15551234567')
      .attach('file', Buffer.alloc(1_048_577), 'over.bin');
    expect(over.status).toBe(413);
    expect(over.body).toEqual({
      ok: false,
      error: { code: 'payload_too_large', message: 'The file is larger than 1 MiB (WHATSAPP_MEDIA_MAX_BYTES).' },
    });
    expect(t.fake.sentMedia).toMatchObject([
      { size: 1_048_576, mimetype: 'application/octet-stream', asDocument: true },
      { size: 1_048_576, mimetype: 'application/octet-stream', asDocument: true },
    ]);
  });
});

describe('POST /api/send-media with WHATSAPP_MEDIA_ALLOW_PRIVATE_URLS=true', () => {
  it('fetches from a loopback file server and sends the same bytes', async () => {
    t = await createTestApp({ WHATSAPP_MEDIA_ALLOW_PRIVATE_URLS: 'true' });
    http = request(t.app.getHttpServer());
    const files = await fileServer({ '/docs/report.pdf': { data: PDF, type: 'application/pdf' } });
    try {
      await t.pair();
      await http
        .post('/api/send-media')
        .send({ phone_number: '15551234567', media: { url: `http://127.0.0.1:${files.port}/docs/report.pdf` } })
        .expect(200);
      const missing = await http
        .post('/api/send-media')
        .send({ phone_number: '15551234567', media: { url: `http://[::1]:${files.port}/nope.pdf` } });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toEqual({
        code: 'invalid_input',
        message: `The media URL http://[::1]:${files.port}/nope.pdf could not be fetched: HTTP 404.`,
      });
      expect(files.seen).toEqual(['/docs/report.pdf', '/nope.pdf']);
      expect(t.fake.sentMedia).toMatchObject([
        { filename: 'report.pdf', mimetype: 'application/pdf', sha256: sha256(PDF), asDocument: true },
      ]);
    } finally {
      await closeServer(files.server);
    }
  });
});
