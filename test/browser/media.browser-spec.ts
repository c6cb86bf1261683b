import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { jest } from '@jest/globals';
import { describeChromium, waitForNoProcesses } from '../chromium/chrome-processes.js';
import { OGG_OPUS, PDF, PNG, sha256 } from '../media-fixtures.js';
import { api, closeSim, pairByQr, type Sim, type SimServer, startSim, startSimServer } from './sim-server.js';

/*
 * Issue 16, sending: a PNG, a PDF and an OGG voice note, each by upload, by base64 and by URL (a loopback
 * file server, allowed by WHATSAPP_MEDIA_ALLOW_PRIVATE_URLS), go through the built server, the real
 * library's MessageMedia in Chromium and the simulated WhatsApp Web, and reach the phone with the same bytes.
 */

jest.setTimeout(180_000);

const FILES = {
  png: { data: PNG, name: 'chart.png', type: 'image/png', voice: false, sent: { type: 'image', mimetype: 'image/png' } },
  pdf: { data: PDF, name: 'invoice.pdf', type: 'application/pdf', voice: false, sent: { type: 'document', mimetype: 'application/pdf' } },
  ogg: { data: OGG_OPUS, name: 'note.ogg', type: 'audio/ogg', voice: true, sent: { type: 'ptt', mimetype: 'audio/ogg; codecs=opus' } },
};

let sim: Sim;
let server: SimServer;
let files: Server;
let filesUrl: string;

beforeAll(async () => {
  sim = await startSim();
  files = createServer((req, res) => {
    const file = Object.values(FILES).find((f) => req.url === `/${f.name}`);
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.type }).end(file.data);
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  server = await startSimServer(sim, {
    WHATSAPP_MEDIA_ALLOW_PRIVATE_URLS: 'true',
    WHATSAPP_SEND_LIMIT: '0',
    WHATSAPP_RECIPIENT_LIMIT: '0',
  });
  await pairByQr(server, sim);
});

afterAll(async () => {
  await server?.stop('SIGTERM');
  await new Promise((resolve) => files?.close(resolve));
  await closeSim(sim);
  if (server) {
    expect(await waitForNoProcesses(server.authDir, 5_000)).toEqual([]);
    await rm(server.authDir, { recursive: true, force: true });
  }
});

async function upload(file: (typeof FILES)[keyof typeof FILES], caption?: string) {
  const form = new FormData();
  form.set('phone_number', '15557654321');
  if (caption) form.set('caption', caption);
  if (file.voice) form.set('as_voice', 'true');
  form.set('file', new Blob([file.data], { type: file.type }), file.name);
  const res = await fetch(`${server.url}/api/send-media`, { method: 'POST', body: form });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describeChromium('media sent through the real library reach the simulated phone unchanged', () => {
  it.each(Object.keys(FILES) as (keyof typeof FILES)[])('%s by upload, base64 and URL', async (kind) => {
    const file = FILES[kind];
    const caption = file.voice ? undefined : `the ${kind}`;
    const byUpload = await upload(file, caption);
    const byBase64 = await api(server.url, 'POST', '/api/send-media', {
      phone_number: '15557654321',
      ...(caption && { caption }),
      ...(file.voice && { as_voice: true }),
      media: { data: file.data.toString('base64'), mimetype: file.type, filename: file.name },
    });
    const byUrl = await api(server.url, 'POST', '/api/send-media', {
      phone_number: '15557654321',
      ...(caption && { caption }),
      ...(file.voice && { as_voice: true }),
      media: { url: `${filesUrl}/${file.name}` },
    });
    const answers = [byUpload, byBase64, byUrl];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const ids = answers.map((a) => (a.body as { message_id: string }).message_id);
    const sent = await sim.phone.sent();
    const arrived = ids.map((id) => sent.find((m) => m.id === id));
    const expected = {
      to: '15557654321@c.us',
      type: file.sent.type,
      body: caption ?? '',
      media: { mimetype: file.sent.mimetype, filename: file.name, size: file.data.length, sha256: sha256(file.data) },
    };
    expect(arrived).toEqual([expect.objectContaining(expected), expect.objectContaining(expected), expect.objectContaining(expected)]);
    // The library asks for a few optional modules at start (calls, poll votes); none of the media path may be missing.
    expect(sim.phone.missingModules().filter((name) => /Media|Mms|Upload|Opaque|Prep/i.test(name))).toEqual([]);
  });

  it('shows the files in the sandbox phone record the server reads back as has_media', async () => {
    const res = await api(server.url, 'GET', '/api/messages?phone_number=15557654321&limit=100');
    expect(res.status).toBe(200);
    const messages = (res.body as { messages: { from_me: boolean; has_media: boolean; type: string }[] }).messages;
    expect(messages.filter((m) => m.from_me && m.has_media).length).toBeGreaterThanOrEqual(9);
  });
});
