import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { describeChromium, waitForNoProcesses } from '../chromium/chrome-processes.js';
import type { NetChat } from '../../src/sandbox/simulator/phone.js';
import {
  api,
  browserProcess,
  callTool,
  closeSim,
  connectMcp,
  pairByQr,
  processesMentioning,
  type Sim,
  type SimServer,
  startSim,
  startSimServer,
  waitForState,
  waitForStatus,
} from './sim-server.js';

/*
 * The nine user flows of issue 6, end to end: the built server as a process, the real
 * whatsapp-web.js in a real Chromium, and the simulated WhatsApp Web (src/sandbox/simulator/) behind it.
 * Every flow gets its own phone, auth dir and server, and stops them (and so Chrome) afterwards.
 */

jest.setTimeout(120_000);

const PHONE_RULE = 'phone_number must include country code and contain 8-15 digits';
const LINKED_MARKER = 'whatsapp-mcp-api.linked.json';
const digits = (chatId: string) => chatId.split('@')[0];

let sim: Sim;
const servers: SimServer[] = [];
const mcpClients: Client[] = [];

async function server(env: Record<string, string> = {}, authDir?: string): Promise<SimServer> {
  const started = await startSimServer(sim, env, authDir);
  servers.push(started);
  return started;
}

/** A server whose device is linked by QR and ready. */
async function readyServer(env: Record<string, string> = {}): Promise<SimServer> {
  const s = await server(env);
  await pairByQr(s, sim);
  return s;
}

/** Polls `probe` every 50 ms for at most `timeoutMs` (for what another process does to the disk); returns its last answer. */
async function waitUntil(probe: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * Waits (bounded) until the server has logged these state transitions in this order, e.g.
 * `['qr', 'authenticated']`: its log is written asynchronously, so a line may trail the status.
 */
const logged = (s: SimServer, ...states: string[]) => {
  const steps = states.slice(1).map((to, i) => `state ${states[i]} -> ${to}\\b`);
  return s.waitForOutput(new RegExp(steps.join('[\\s\\S]*')));
};

beforeEach(async () => {
  sim = await startSim();
});

afterEach(async () => {
  await Promise.all(mcpClients.splice(0).map((client) => client.close()));
  const stopped = servers.splice(0);
  await Promise.all(stopped.map((s) => s.stop('SIGTERM')));
  await closeSim(sim);
  // Shutdown closes Chrome and waits for it: nothing of this flow may outlive its server.
  for (const authDir of new Set(stopped.map((s) => s.authDir))) {
    expect(await waitForNoProcesses(authDir, 5_000)).toEqual([]);
    await rm(authDir, { recursive: true, force: true });
  }
});

describeChromium('the built server against the simulated WhatsApp Web', () => {
  it('1. pairs by QR: qr, a PNG on /qr, the phone scans, authenticated, ready with the account', async () => {
    const s = await server();
    const started = await api(s.url, 'POST', '/api/auth/start');
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ state: 'qr', has_qr: true, ready: false, authenticated: false, account: null });

    // The QR the server shows is the one the page shows the phone.
    const shown = await sim.phone.currentQr();
    const qr = await api(s.url, 'GET', '/api/qr');
    expect(qr.body).toMatchObject({ has_qr: true, qr: shown, data_url: expect.stringMatching(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/) });
    const page = await api(s.url, 'GET', '/qr');
    expect(page.status).toBe(200);
    expect(page.body).toContain(`src="${qr.body.data_url}"`);
    expect(page.body).toContain('qr');

    await sim.phone.scanQr(shown);
    const ready = await waitForState(s.url, 'ready');
    expect(ready).toMatchObject({
      ready: true,
      authenticated: true,
      has_qr: false,
      last_error: null,
      session_saved: true,
      restarts: 0,
      account: { wid: sim.phone.me, pushname: sim.phone.pushname, platform: sim.phone.platform },
    });
    await logged(s, 'starting', 'qr', 'authenticated', 'ready');
    expect(await sim.phone.linkedDevices()).toBe(1);
    expect(existsSync(join(s.sessionDir, LINKED_MARKER))).toBe(true);
    const none = await api(s.url, 'GET', '/api/qr');
    expect(none.body).toMatchObject({ has_qr: false, qr: null });
  });

  it('2. sends to a registered number, and refuses an unregistered one with nothing sent', async () => {
    const s = await readyServer();
    const sent = await api(s.url, 'POST', '/api/send', { phone_number: '+1 (555) 123-4567', message: 'Hello from the server' });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({
      ok: true,
      to: '15551234567',
      chat_id: '15551234567@c.us',
      message_id: expect.stringMatching(/^true_15551234567@c\.us_[0-9A-F]+$/),
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    expect(await sim.phone.sent()).toEqual([
      {
        id: sent.body.message_id,
        to: '15551234567@c.us',
        body: 'Hello from the server',
        type: 'chat',
        timestamp: Date.parse(sent.body.timestamp) / 1000,
      },
    ]);

    await sim.phone.unregistered(['15559999999']);
    const refused = await api(s.url, 'POST', '/api/send', { phone_number: '15559999999', message: 'anyone there?' });
    expect(refused.status).toBe(404);
    expect(refused.body).toEqual({ ok: false, error: { code: 'not_on_whatsapp', message: expect.stringContaining('15559999999') } });
    const invalid = await api(s.url, 'POST', '/api/send', { phone_number: '123', message: 'x' });
    expect(invalid).toEqual({ status: 400, body: { ok: false, error: { code: 'invalid_input', message: PHONE_RULE } } });
    expect(await sim.phone.sent()).toHaveLength(1);
  });

  it('3. lists chats (order, limit, groups, last message) and reads messages (oldest first, limit, from_me)', async () => {
    const s = await readyServer();
    const seeded = await sim.phone.seed({ chats: 30, messagesPerChat: 45, groups: 2 });

    const five = await api(s.url, 'GET', '/api/chats?limit=5');
    expect(five.status).toBe(200);
    expect(five.body).toMatchObject({ ok: true, count: 5 });
    expect(five.body.chats).toEqual(seeded.slice(0, 5).map(expectedChat));
    const byDefault = await api(s.url, 'GET', '/api/chats');
    expect(byDefault.body.count).toBe(20);
    expect(byDefault.body.chats.map((chat: { id: string }) => chat.id)).toEqual(seeded.slice(0, 20).map((chat) => chat.id));
    const tooMany = await api(s.url, 'GET', '/api/chats?limit=101');
    expect(tooMany).toEqual({
      status: 400,
      body: { ok: false, error: { code: 'invalid_input', message: 'limit must be an integer between 1 and 100' } },
    });

    const contact = seeded[4];
    // More than the page has loaded (5 per chat at sync): the library pages back through history.
    const read = await api(s.url, 'GET', `/api/messages?phone_number=${digits(contact.id)}&limit=30`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ ok: true, count: 30, chat: expectedChat(contact) });
    expect(read.body.messages).toEqual(contact.messages.slice(-30).map(expectedMessage));
    const timestamps = read.body.messages.map((m: { timestamp: number }) => m.timestamp);
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
    expect(new Set(read.body.messages.map((m: { from_me: boolean }) => m.from_me))).toEqual(new Set([true, false]));

    const posted = await api(s.url, 'POST', '/api/messages', { phone_number: `+${digits(contact.id)}`, limit: 3 });
    expect(posted.status).toBe(200);
    expect(posted.body.messages).toEqual(contact.messages.slice(-3).map(expectedMessage));
    const byDefaultMessages = await api(s.url, 'GET', `/api/messages?phone_number=${digits(contact.id)}`);
    expect(byDefaultMessages.body.count).toBe(10);
  });

  it('4. an incoming message while running is listed first and can be read', async () => {
    const s = await readyServer();
    await sim.phone.seed({ chats: 3, messagesPerChat: 4 });
    const { id } = await sim.phone.deliverIncoming({ from: '15557654321@c.us', body: 'ping from a friend' });

    const chats = await api(s.url, 'GET', '/api/chats?limit=2');
    expect(chats.body.chats[0]).toMatchObject({
      id: '15557654321@c.us',
      is_group: false,
      unread_count: 1,
      last_message: { id, body: 'ping from a friend', from_me: false },
    });
    const read = await api(s.url, 'GET', '/api/messages?phone_number=15557654321&limit=5');
    expect(read.status).toBe(200);
    expect(read.body.count).toBe(1);
    expect(read.body.messages[0]).toEqual({
      id,
      from: '15557654321@c.us',
      to: sim.phone.me,
      author: null,
      from_me: false,
      type: 'chat',
      body: 'ping from a friend',
      timestamp: expect.any(Number),
      has_media: false,
    });
  });

  it('5. a restarted server reconnects from the saved session, with no QR', async () => {
    const first = await readyServer();
    expect(await first.stop('SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });
    expect(await waitForNoProcesses(first.authDir, 5_000)).toEqual([]);
    expect(existsSync(join(first.sessionDir, LINKED_MARKER))).toBe(true);

    // Nothing is started by hand: the server reconnects at boot (WHATSAPP_AUTO_START=auto).
    const second = await server({}, first.authDir);
    const ready = await waitForState(second.url, 'ready');
    expect(ready).toMatchObject({ has_qr: false, session_saved: true, account: { wid: sim.phone.me } });
    await second.waitForOutput(/Reconnecting the saved session/);
    await logged(second, 'stopped', 'starting', 'authenticated', 'ready');
    expect(second.output()).not.toMatch(/-> qr\b/);
    expect(await sim.phone.linkedDevices()).toBe(1);
    const sent = await api(second.url, 'POST', '/api/send', { phone_number: '15551234567', message: 'after the restart' });
    expect(sent.status).toBe(200);
  });

  it('6. Chrome killed while ready: back to ready by itself', async () => {
    const s = await readyServer({ WHATSAPP_RESTART_MIN_MS: '200', WHATSAPP_RESTART_MAX_MS: '1000' });
    const chrome = browserProcess(s.authDir);
    expect(chrome).not.toBeNull();
    await logged(s, 'authenticated', 'ready');
    const before = s.output().length;
    process.kill(chrome!, 'SIGKILL');

    const back = await waitForStatus(s.url, (status) => status.state === 'ready' && status.restarts >= 1, 'ready after a restart');
    expect(back).toMatchObject({ last_error: null, next_restart_at: null, session_saved: true, account: { wid: sim.phone.me } });
    await logged(s, 'ready', 'disconnected', 'starting', 'authenticated', 'ready');
    const after = s.output().slice(before);
    expect(after).toContain('Disconnected: Chrome exited or crashed (BROWSER_CLOSED)');
    // Restored from the saved session: never back to a QR.
    expect(after).not.toMatch(/-> qr\b/);
    const again = browserProcess(s.authDir);
    expect(again).not.toBeNull();
    expect(again).not.toBe(chrome);
    const sent = await api(s.url, 'POST', '/api/send', { phone_number: '15551234567', message: 'after the crash' });
    expect(sent.status).toBe(200);
  });

  it('7. unlinked on the phone: stopped, the saved session deleted, no retry loop', async () => {
    const s = await readyServer({ WHATSAPP_RESTART_MIN_MS: '200', WHATSAPP_RESTART_MAX_MS: '400' });
    await sim.phone.unlink();
    const stopped = await waitForState(s.url, 'stopped');
    expect(stopped).toMatchObject({
      account: null,
      has_qr: false,
      session_saved: false,
      next_restart_at: null,
      restarts: 0,
      last_error: 'Logged out: the device was unlinked from the phone (LOGOUT). Pair again to use WhatsApp.',
    });
    // The state is announced at once; Chrome is closed and the folder deleted right after.
    expect(await waitForNoProcesses(s.authDir, 5_000)).toEqual([]);
    expect(await waitUntil(() => !existsSync(s.sessionDir), 5_000)).toBe(true);

    // "No retry" is an absence: with restarts due within 0.4 s, give them ten times that to appear.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const later = await api(s.url, 'GET', '/api/status');
    expect(later.body).toMatchObject({ state: 'stopped', restarts: 0, next_restart_at: null, session_saved: false });
    expect(processesMentioning(s.authDir)).toEqual([]);
    expect(existsSync(s.sessionDir)).toBe(false);
    expect(await sim.phone.linkedDevices()).toBe(0);
    // whatsapp-web.js re-injects after an unlink: nothing of that may reach the log or the process.
    expect(s.output()).not.toMatch(/Unhandled rejection/);
    // A call that needs WhatsApp now says to pair again instead of starting Chrome.
    const send = await api(s.url, 'POST', '/api/send', { phone_number: '15551234567', message: 'x' });
    expect(send.status).toBe(409);
    expect(send.body.error).toMatchObject({ code: 'not_ready', state: 'stopped' });
    expect(processesMentioning(s.authDir)).toEqual([]);
  });

  it('8. logout revokes and deletes the session; then pairing by code (a wrong code refused)', async () => {
    const s = await readyServer();
    const out = await api(s.url, 'POST', '/api/logout');
    expect(out).toEqual({ status: 200, body: { ok: true, revoked: true } });
    expect(await sim.phone.linkedDevices()).toBe(0);
    const status = await api(s.url, 'GET', '/api/status');
    expect(status.body).toMatchObject({ state: 'stopped', account: null, has_qr: false, session_saved: false, last_error: null });
    expect(existsSync(s.sessionDir)).toBe(false);
    expect(await waitForNoProcesses(s.authDir, 5_000)).toEqual([]);

    const pairing = await api(s.url, 'POST', '/api/pairing-code', { phone_number: '+1 555 000 0000' });
    expect(pairing.status).toBe(200);
    expect(pairing.body).toEqual({
      already_authenticated: false,
      phone_number: '15550000000',
      code: expect.stringMatching(/^[A-Z0-9]{8}$/),
      instructions: 'WhatsApp -> Linked devices -> Link a device -> Link with phone number instead',
    });
    expect(await sim.phone.pairingCode()).toBe(pairing.body.code);
    const wrong = pairing.body.code.startsWith('A') ? 'BBBBBBBB' : 'AAAAAAAA';
    await expect(sim.phone.enterPairingCode(wrong)).rejects.toThrow(/refused/);
    expect((await api(s.url, 'GET', '/api/status')).body.state).toBe('qr');

    await sim.phone.enterPairingCode(pairing.body.code);
    const ready = await waitForState(s.url, 'ready');
    expect(ready).toMatchObject({ session_saved: true, account: { wid: sim.phone.me } });
    const again = await api(s.url, 'POST', '/api/pairing-code', { phone_number: '15550000000' });
    expect(again.body).toMatchObject({ already_authenticated: true, code: null, status: { state: 'ready' } });
  });

  it('9. the same flows through the MCP tools with the SDK client', async () => {
    const s = await server();
    const client = await connectMcp(s.url);
    mcpClients.push(client);
    // The SDK client validates structuredContent against each outputSchema once it has the list.
    await client.listTools();

    const started = await callTool(client, 'whatsapp_start_auth');
    expect(started.json).toMatchObject({ state: 'qr', has_qr: true });
    await sim.phone.scanQr();
    await waitForState(s.url, 'ready');
    const status = await callTool(client, 'whatsapp_status');
    expect(status.json).toMatchObject({ state: 'ready', account: { wid: sim.phone.me } });

    const sent = await callTool(client, 'whatsapp_send_message', { phone_number: '+1 555 123 4567', message: 'Hello over MCP' });
    expect(sent.result.isError).toBeFalsy();
    expect(sent.json).toMatchObject({ ok: true, to: '15551234567', chat_id: '15551234567@c.us' });
    expect(sent.result.structuredContent).toEqual(sent.json);
    expect(await sim.phone.sent()).toEqual([expect.objectContaining({ id: sent.json.message_id, body: 'Hello over MCP' })]);

    await sim.phone.unregistered(['15559999999']);
    const refused = await callTool(client, 'whatsapp_send_message', { phone_number: '15559999999', message: 'x' });
    expect(refused.result.isError).toBe(true);
    expect(refused.json).toEqual({ ok: false, error: { code: 'not_on_whatsapp', message: expect.stringContaining('15559999999') } });
    expect(await sim.phone.sent()).toHaveLength(1);

    const seeded = await sim.phone.seed({ chats: 12, messagesPerChat: 25, groups: 1 });
    const chats = await callTool(client, 'whatsapp_list_chats', { limit: 4 });
    expect(chats.json).toEqual({ ok: true, count: 4, chats: seeded.slice(0, 4).map(expectedChat) });
    const contact = seeded[1];
    const read = await callTool(client, 'whatsapp_read_messages', { phone_number: digits(contact.id), limit: 12 });
    expect(read.json).toEqual({
      ok: true,
      count: 12,
      chat: expectedChat(contact),
      messages: contact.messages.slice(-12).map(expectedMessage),
    });
    const missing = await callTool(client, 'whatsapp_read_messages', { phone_number: '15550000001', limit: 0 });
    expect(missing.result.isError).toBe(true);
    expect(missing.json).toEqual({ ok: false, error: { code: 'invalid_input', message: 'limit must be an integer between 1 and 100' } });

    const out = await callTool(client, 'whatsapp_logout');
    expect(out.json).toEqual({ ok: true, revoked: true });
    expect(await sim.phone.linkedDevices()).toBe(0);
  });
});

/** The chat the API must show for a seeded chat: the phone's data through the library's models. */
function expectedChat(chat: NetChat) {
  const last = chat.messages.at(-1)!;
  return {
    id: chat.id,
    name: chat.name,
    is_group: chat.isGroup,
    is_read_only: false,
    unread_count: 0,
    timestamp: last.t,
    archived: false,
    pinned: false,
    muted: false,
    last_message: expectedMessage(last),
  };
}

function expectedMessage(message: NetChat['messages'][number]) {
  return {
    id: message.key,
    from: message.from,
    to: message.to,
    author: message.author ?? null,
    from_me: message.fromMe,
    type: 'chat',
    body: message.body,
    timestamp: message.t,
    has_media: false,
  };
}
