import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import request from 'supertest';
import { createTestApp, type TestApp } from '../app-harness.js';
import { fakeMessage } from '../fake-whatsapp.js';
import { connectClient, type McpTestApp, startMcpApp, textJson, until } from '../mcp-harness.js';

const ANA = '5511999990000@c.us';
const PHOTO_ID = `false_${ANA}_PHOTO`;
const PAGE_ID = `false_${ANA}_PAGE`;
const TEXT_ID = `false_${ANA}_MSG1`;
const PHOTO = Buffer.from('89504e470d0a1a0a' + 'ab'.repeat(64), 'hex');
const PAGE = Buffer.from('<html><script>alert(document.cookie)</script></html>');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let t: TestApp;
let http: ReturnType<typeof request>;

afterEach(async () => {
  await t.app.close();
});

/** Ready, with a photo, an HTML page and a text message received (the store and events hear them). */
async function boot(env: Record<string, string> = {}, app?: TestApp): Promise<void> {
  t = app ?? (await createTestApp({ WHATSAPP_BACKFILL_MESSAGES: '0', ...env }));
  http = request(t.app.getHttpServer());
  await t.pair();
  t.fake.media.set(PHOTO_ID, { data: PHOTO, mimetype: 'image/png', filename: null });
  t.fake.media.set(PAGE_ID, { data: PAGE, mimetype: 'text/html', filename: 'invoice.html' });
  const receive = (id: string, fields: object) =>
    t.fake.current.emit('message', { ...fakeMessage(ANA, 1), id, chat_id: ANA, has_media: true, body: '', ...fields });
  receive(PHOTO_ID, { type: 'image', media: { mimetype: 'image/png', filename: null, size: PHOTO.length } });
  receive(PAGE_ID, { type: 'document', media: { mimetype: 'text/html', filename: 'invoice.html', size: PAGE.length } });
  t.fake.current.emit('message', { ...fakeMessage(ANA, 1), chat_id: ANA });
}

/** supertest buffers a binary body only when asked to. */
const download = (id: string) =>
  http
    .get(`/api/messages/${encodeURIComponent(id)}/media`)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

const mediaFolder = () => join(t.config.dataDir, 'media', 'default');

describe('GET /api/messages/{message_id}/media', () => {
  it('streams a photo inline with its type, length and a made-up file name, and nosniff', async () => {
    await boot();
    const res = await download(PHOTO_ID).expect(200);
    expect(sha256(res.body as Buffer)).toBe(sha256(PHOTO));
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-length']).toBe(String(PHOTO.length));
    expect(res.headers['content-disposition']).toBe(
      `inline; filename="whatsapp-0000cusPHOTO.png"; filename*=UTF-8''whatsapp-0000cusPHOTO.png`,
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
  });

  it('serves a received .html as an attachment, never as a page', async () => {
    await boot();
    const res = await download(PAGE_ID).expect(200);
    expect((res.body as Buffer).equals(PAGE)).toBe(true);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="invoice.html"; filename*=UTF-8''invoice.html`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers 404 message_not_found for an unknown message, no_media for a text message, 400 for a malformed id', async () => {
    await boot();
    const unknown = await http.get(`/api/messages/false_${ANA}_NOPE/media`).expect(404);
    expect(unknown.body).toEqual({
      ok: false,
      error: { code: 'message_not_found', message: `WhatsApp has no message false_${ANA}_NOPE with media.` },
    });
    const text = await http.get(`/api/messages/${TEXT_ID}/media`).expect(404);
    expect(text.body).toEqual({ ok: false, error: { code: 'no_media', message: `The message ${TEXT_ID} has no media to download.` } });
    const bad = await http.get('/api/messages/a%20b/media').expect(400);
    expect(bad.body).toEqual({ ok: false, error: { code: 'invalid_input', message: 'message_id must be a message id' } });
    expect(t.fake.downloads).toEqual([`false_${ANA}_NOPE`]);
  });

  it('leaves GET /api/messages/{message_id} as it was: the stored message, now with its media', async () => {
    await boot();
    const res = await http.get(`/api/messages/${PHOTO_ID}`).expect(200);
    expect(res.body.message).toMatchObject({
      id: PHOTO_ID,
      has_media: true,
      media: { mimetype: 'image/png', filename: null, size: PHOTO.length },
    });
    const text = await http.get(`/api/messages/${TEXT_ID}`).expect(200);
    expect(Object.keys(text.body.message)).not.toContain('media');
  });

  it('downloads once, then serves the cached file, also while WhatsApp is disconnected', async () => {
    await boot();
    await download(PHOTO_ID).expect(200);
    expect(readdirSync(mediaFolder())).toHaveLength(1);
    t.fake.current.emit('disconnected', 'BROWSER_CLOSED');
    await t.reached('disconnected');
    const res = await download(PHOTO_ID).expect(200);
    expect(sha256(res.body as Buffer)).toBe(sha256(PHOTO));
    expect(t.fake.downloads).toEqual([PHOTO_ID]);
    const uncached = await http.get(`/api/messages/${PAGE_ID}/media`);
    expect(uncached.status).not.toBe(200);
    expect(uncached.body.ok).toBe(false);
  });

  it('a logout deletes the cached files', async () => {
    await boot();
    await download(PHOTO_ID).expect(200);
    expect(existsSync(mediaFolder())).toBe(true);
    await http.post('/api/logout').expect(200);
    await until(
      'the media folder to be deleted',
      () => existsSync(mediaFolder()),
      (exists) => !exists,
    );
    await t.pair();
    await download(PHOTO_ID).expect(200);
    expect(t.fake.downloads).toEqual([PHOTO_ID, PHOTO_ID]);
  });

  it('refuses a received file over WHATSAPP_MEDIA_DOWNLOAD_MAX_BYTES before fetching it from WhatsApp', async () => {
    await boot({ WHATSAPP_MEDIA_DOWNLOAD_MAX_BYTES: String(PHOTO.length - 1) });
    const res = await download(PHOTO_ID).expect(413);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect((JSON.parse((res.body as Buffer).toString('utf8')) as { error: unknown }).error).toEqual({
      code: 'payload_too_large',
      message: `The file of message ${PHOTO_ID} is ${PHOTO.length} bytes, over WHATSAPP_MEDIA_DOWNLOAD_MAX_BYTES (${PHOTO.length - 1}).`,
    });
    expect(t.fake.downloads).toEqual([]);
    await download(PAGE_ID).expect(200);
  });

  it('keeps nothing on disk with WHATSAPP_MEDIA_CACHE_MAX_BYTES=0', async () => {
    await boot({ WHATSAPP_MEDIA_CACHE_MAX_BYTES: '0' });
    await download(PHOTO_ID).expect(200);
    await download(PHOTO_ID).expect(200);
    expect(t.fake.downloads).toEqual([PHOTO_ID, PHOTO_ID]);
    expect(existsSync(mediaFolder())).toBe(false);
  });
});

describe('events', () => {
  it('a received photo carries media and media_url, never the bytes', async () => {
    await boot();
    const res = await http.get('/api/events').query({ types: 'message.received' }).expect(200);
    const photo = res.body.events.find((event: { data: { id: string } }) => event.data.id === PHOTO_ID);
    expect(photo.data).toMatchObject({
      id: PHOTO_ID,
      has_media: true,
      media: { mimetype: 'image/png', filename: null, size: PHOTO.length },
      media_url: `/api/messages/${PHOTO_ID}/media`,
    });
    const text = res.body.events.find((event: { data: { id: string } }) => event.data.id === TEXT_ID);
    expect(Object.keys(text.data)).not.toContain('media_url');
  });
});

describe('MCP whatsapp_download_media', () => {
  let m: McpTestApp;
  let client: Client;

  afterEach(async () => {
    await client.close();
  });

  it('gives a small image as image content, and anything else as a link to a readable resource', async () => {
    m = await startMcpApp({ WHATSAPP_BACKFILL_MESSAGES: '0' });
    await boot({}, m);
    ({ client } = await connectClient(m.url));
    const image = (await client.callTool({ name: 'whatsapp_download_media', arguments: { message_id: PHOTO_ID } })) as CallToolResult;
    const imageAnswer = {
      ok: true,
      message_id: PHOTO_ID,
      mimetype: 'image/png',
      filename: null,
      size: PHOTO.length,
      sha256: sha256(PHOTO),
      delivered_as: 'image',
      uri: `whatsapp://media/default/${encodeURIComponent(PHOTO_ID)}`,
    };
    expect(textJson(image)).toEqual(imageAnswer);
    expect(image.structuredContent).toEqual(imageAnswer);
    expect(image.content[1]).toEqual({ type: 'image', mimeType: 'image/png', data: PHOTO.toString('base64') });

    const page = (await client.callTool({ name: 'whatsapp_download_media', arguments: { message_id: PAGE_ID } })) as CallToolResult;
    const uri = `whatsapp://media/default/${encodeURIComponent(PAGE_ID)}`;
    expect(textJson(page)).toMatchObject({ delivered_as: 'resource_link', uri, filename: 'invoice.html', sha256: sha256(PAGE) });
    expect(page.content[1]).toEqual({ type: 'resource_link', uri, name: 'invoice.html', mimeType: 'text/html', size: PAGE.length });
    const read = await client.readResource({ uri });
    expect(read.contents).toEqual([{ uri, mimeType: 'text/html', blob: PAGE.toString('base64') }]);
  });

  it('answers the REST error codes as isError results', async () => {
    m = await startMcpApp({ WHATSAPP_BACKFILL_MESSAGES: '0' });
    await boot({}, m);
    ({ client } = await connectClient(m.url));
    const result = (await client.callTool({ name: 'whatsapp_download_media', arguments: { message_id: TEXT_ID } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textJson(result)).toEqual({
      ok: false,
      error: { code: 'no_media', message: `The message ${TEXT_ID} has no media to download.` },
    });
  });
});
