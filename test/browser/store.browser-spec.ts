import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { describeChromium } from '../chromium/chrome-processes.js';
import {
  api,
  browserProcess,
  callTool,
  closeSim,
  connectMcp,
  pairByQr,
  type Sim,
  type SimServer,
  startSim,
  startSimServer,
  waitForStatus,
} from './sim-server.js';

/*
 * Issue 13's first "Done when", end to end: the built server as a process, the real whatsapp-web.js
 * in a real Chromium, the simulated WhatsApp Web behind it.
 */

jest.setTimeout(120_000);

const FRIEND = '15557654321@c.us';
const OLD_TEXT = 'A reunião do orçamento trimestral ficou para sexta';

let sim: Sim;
let server: SimServer | null = null;
let client: Client | null = null;
let dataDir: string;

beforeEach(async () => {
  sim = await startSim();
  dataDir = mkdtempSync(join(tmpdir(), 'wa-store-data-'));
});

afterEach(async () => {
  await client?.close();
  await server?.stop('SIGTERM');
  await closeSim(sim);
  await rm(dataDir, { recursive: true, force: true });
  client = null;
  server = null;
});

/** Polls GET /api/search until `accept` holds; throws after `timeoutMs`, with the last answer. */
async function searchUntil(q: string, accept: (body: { count: number; results: any[] }) => boolean, what: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await api(server!.url, 'GET', `/api/search?q=${encodeURIComponent(q)}`);
    if (status === 200 && accept(body)) return body;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last answer ${status} ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeChromium('message store against the simulated WhatsApp Web', () => {
  it('backfills a seeded account, finds old and new messages through REST and MCP, follows edits and revokes, reads history offline', async () => {
    const seeded = await sim.phone.seed({
      chats: 6,
      messagesPerChat: 5,
      names: {
        chatName: (index, isGroup) => (isGroup ? `Group ${index}` : `Contact ${index}`),
        messageText: (chat, message, name) => (chat === 3 && message === 0 ? OLD_TEXT : `Message ${message} in ${name}`),
      },
    });
    // Restarts held off, so the server stays without WhatsApp once its Chrome is killed below.
    server = await startSimServer(sim, {
      WHATSAPP_DATA_DIR: dataDir,
      WHATSAPP_RESTART_MIN_MS: '600000',
      WHATSAPP_RESTART_MAX_MS: '600000',
    });
    await pairByQr(server, sim);

    // The counts may lag a second behind the progress (they are cached).
    const status = await waitForStatus(
      server.url,
      (s) => s.store?.backfill === 'done' && s.store.messages === 30,
      'the backfill to finish',
    );
    expect(status.store).toEqual({ chats: 6, messages: 30, backfill: 'done', progress: 1 });

    const old = await api(server.url, 'GET', '/api/search?q=orcamento');
    expect(old.status).toBe(200);
    expect(old.body).toMatchObject({ ok: true, count: 1, next_cursor: null });
    expect(old.body.results[0]).toMatchObject({
      message: { body: OLD_TEXT, chat_id: seeded[3].id, from_me: false },
      chat: { id: seeded[3].id, name: seeded[3].name },
      snippet: expect.stringContaining('**orçamento**'),
    });

    client = await connectMcp(server.url);
    const viaMcp = await callTool(client, 'whatsapp_search_messages', { query: 'ORÇAMENTO trimestral', context: 1 });
    expect(viaMcp.result.isError).toBeFalsy();
    expect(viaMcp.json.count).toBe(1);
    expect(viaMcp.json.results[0].message.body).toBe(OLD_TEXT);
    expect(viaMcp.json.results[0].context.after.map((m: { body: string }) => m.body)).toEqual([expect.stringMatching(/^Message 1 in /)]);

    const arrived = Date.now();
    const { id } = await sim.phone.deliverIncoming({ from: FRIEND, body: 'a fatura de março chegou' });
    await searchUntil('fatura', (body) => body.count === 1 && body.results[0].message.id === id, 'the new message in the results', 1000);
    expect(Date.now() - arrived).toBeLessThan(1500);

    await sim.phone.edit(id, 'o recibo de março chegou');
    await searchUntil('recibo', (body) => body.count === 1, 'the edited text to be found', 5000);
    expect((await api(server.url, 'GET', '/api/search?q=fatura')).body).toEqual({ ok: true, count: 0, results: [], next_cursor: null });

    await sim.phone.revoke(id);
    await searchUntil('recibo', (body) => body.count === 0, 'the revoked message to leave the results', 5000);
    const revoked = await api(server.url, 'GET', `/api/messages/${encodeURIComponent(id)}`);
    expect(revoked).toEqual({ status: 200, body: { ok: true, message: expect.objectContaining({ id, revoked: true, body: '' }) } });

    await sim.phone.dropConnection();
    const history = await api(server.url, 'GET', `/api/chats/${seeded[3].id}/messages?limit=3`);
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({ ok: true, chat: { id: seeded[3].id, name: seeded[3].name }, count: 3 });
    expect(history.body.messages.map((m: { body: string }) => m.body)).toEqual([
      expect.stringMatching(/^Message 2 in /),
      expect.stringMatching(/^Message 3 in /),
      expect.stringMatching(/^Message 4 in /),
    ]);

    // And with no WhatsApp at all: Chrome gone, the session disconnected.
    const chrome = browserProcess(server.authDir);
    expect(chrome).not.toBeNull();
    process.kill(chrome!, 'SIGKILL');
    await waitForStatus(server.url, (s) => s.state === 'disconnected', 'the session to notice Chrome died');
    const older = await api(
      server.url,
      'GET',
      `/api/chats/${seeded[3].id}/messages?before=${encodeURIComponent(history.body.next_before)}`,
    );
    expect(older.status).toBe(200);
    expect(older.body.messages.map((m: { body: string }) => m.body)).toEqual([OLD_TEXT, expect.stringMatching(/^Message 1 in /)]);
    expect((await api(server.url, 'GET', '/api/search?q=orcamento')).body.count).toBe(1);
  });
});
