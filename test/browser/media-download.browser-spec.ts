import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { describeChromium, waitForNoProcesses } from '../chromium/chrome-processes.js';
import { receiver } from '../webhook-receiver.js';
import { api, callTool, closeSim, connectMcp, pairByQr, type Sim, type SimServer, startSim, startSimServer } from './sim-server.js';

/*
 * Issue 16, receiving: a photo a contact sends from the simulated phone is downloaded by the real
 * whatsapp-web.js (Message.downloadMedia in Chromium) with the same bytes, over REST and as MCP
 * image content, and its event and webhook carry `media` and `media_url`, not the bytes.
 */

jest.setTimeout(120_000);

const CONTACT = '15551234567';
const CHAT = `${CONTACT}@c.us`;
/** A PNG signature and a body of every byte value, so any re-encoding on the way shows in the hash. */
const PHOTO = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256))]);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let sim: Sim;
let server: SimServer | undefined;
let hook: Awaited<ReturnType<typeof receiver>> | undefined;
let mcp: Client | undefined;

beforeEach(async () => {
  sim = await startSim();
});

afterEach(async () => {
  await hook?.close();
  await mcp?.close();
  if (server) {
    await server.stop('SIGTERM');
    expect(await waitForNoProcesses(server.authDir, 5_000)).toEqual([]);
    await rm(server.authDir, { recursive: true, force: true });
  }
  server = hook = mcp = undefined;
  await closeSim(sim);
});

describeChromium('media received from the simulated WhatsApp Web', () => {
  it('a photo from the phone downloads with the same bytes over REST and MCP; its event carries media and media_url', async () => {
    server = await startSimServer(sim);
    hook = await receiver((_hit, _n, res) => res.writeHead(204).end(), { reachMs: 20_000 });
    expect((await api(server.url, 'POST', '/api/webhooks', { url: hook.url })).status).toBe(201);
    await pairByQr(server, sim);

    const { id } = await sim.phone.deliverIncoming({
      from: CHAT,
      body: 'the receipt',
      media: { data: PHOTO.toString('base64'), mimetype: 'image/png', filename: 'receipt.png' },
    });
    const hit = await hook.find('message.received with the photo', (h) => JSON.parse(h.body).data?.id === id);
    const mediaUrl = `/api/messages/${id}/media`;
    expect(JSON.parse(hit.body).data).toMatchObject({
      id,
      chat_id: CHAT,
      type: 'image',
      body: 'the receipt',
      has_media: true,
      media: { mimetype: 'image/png', filename: 'receipt.png', size: PHOTO.length },
      media_url: mediaUrl,
    });
    expect(hit.body).not.toContain(PHOTO.toString('base64').slice(0, 64));

    const res = await fetch(`${server.url}${mediaUrl}`);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(sha256(bytes)).toBe(sha256(PHOTO));
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe(`inline; filename="receipt.png"; filename*=UTF-8''receipt.png`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');

    mcp = await connectMcp(server.url);
    await mcp.listTools();
    const { result, json } = await callTool(mcp, 'whatsapp_download_media', { message_id: id });
    expect(result.isError).toBeFalsy();
    expect(json).toMatchObject({
      ok: true,
      message_id: id,
      mimetype: 'image/png',
      size: PHOTO.length,
      sha256: sha256(PHOTO),
      delivered_as: 'image',
    });
    const image = result.content[1];
    expect(image).toMatchObject({ type: 'image', mimeType: 'image/png' });
    expect(sha256(Buffer.from((image as { data: string }).data, 'base64'))).toBe(sha256(PHOTO));

    const stored = await api(server.url, 'GET', `/api/messages/${encodeURIComponent(id)}`);
    expect(stored.body.message).toMatchObject({ id, has_media: true, media: { mimetype: 'image/png', filename: 'receipt.png' } });
  });
});
