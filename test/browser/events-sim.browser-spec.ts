import { rm } from 'node:fs/promises';
import { jest } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { describeChromium, waitForNoProcesses } from '../chromium/chrome-processes.js';
import { SseClient } from '../sse-client.js';
import { type Hit, receiver } from '../webhook-receiver.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { api, callTool, closeSim, connectMcp, pairByQr, type Sim, type SimServer, startSim, startSimServer } from './sim-server.js';

/*
 * Every event type of the contract's table, produced by the real whatsapp-web.js against the
 * simulated WhatsApp Web, reaches a signed webhook and the SSE stream of the built server.
 */

jest.setTimeout(120_000);

const CONTACT = '15551234567';
const CHAT = `${CONTACT}@c.us`;

let sim: Sim;
let server: SimServer | undefined;
let stream: SseClient | undefined;
let hook: Awaited<ReturnType<typeof receiver>> | undefined;
let mcp: Client | undefined;

beforeEach(async () => {
  sim = await startSim();
});

afterEach(async () => {
  stream?.close();
  await hook?.close();
  await mcp?.close();
  mcp = undefined;
  if (server) {
    await server.stop('SIGTERM');
    expect(await waitForNoProcesses(server.authDir, 5_000)).toEqual([]);
    await rm(server.authDir, { recursive: true, force: true });
  }
  server = stream = hook = undefined;
  await closeSim(sim);
});

interface Envelope {
  id: string;
  type: string;
  session: string;
  timestamp: string;
  data: Record<string, any>;
}

const envelope = (hit: Hit): Envelope => JSON.parse(hit.body);

describeChromium('events from the simulated WhatsApp Web', () => {
  it('every event type of the table is stored, signed to a webhook and streamed over SSE', async () => {
    server = await startSimServer(sim);
    hook = await receiver((_hit, _n, res) => res.writeHead(204).end(), { reachMs: 20_000 });
    const created = await api(server.url, 'POST', '/api/webhooks', { url: hook.url });
    expect(created.status).toBe(201);
    const verifier = new Webhook(created.body.webhook.secret);
    stream = await SseClient.open(`${server.url}/api/events/stream`);
    expect(stream.res.statusCode).toBe(200);

    await pairByQr(server, sim);
    /** The webhook's request for the first event `match` accepts, checked against its signature and the SSE stream. */
    const delivered = async (what: string, match: (e: Envelope) => boolean): Promise<Envelope> => {
      const hit = await hook!.find(what, (h) => match(envelope(h)));
      const verified = verifier.verify(hit.body, hit.headers as Record<string, string>) as Envelope;
      expect(verified).toEqual(envelope(hit));
      expect(hit.headers['webhook-id']).toBe(verified.id);
      await stream!.waitUntil(`${what} on SSE`, () => stream!.events.some((f) => f.id === verified.id), 10_000);
      const frame = stream!.events.find((f) => f.id === verified.id)!;
      expect(frame.event).toBe(verified.type);
      expect(JSON.parse(frame.data!)).toEqual(verified);
      return verified;
    };

    const ready = await delivered('session.status ready', (e) => e.type === 'session.status' && e.data.state === 'ready');
    expect(ready).toMatchObject({ session: 'default', data: { state: 'ready', ready: true } });

    // An agent waits for the reply over MCP while it arrives.
    mcp = await connectMcp(server.url);
    await mcp.listTools();
    const waiting = callTool(mcp, 'whatsapp_wait_for_messages', { phone_number: CONTACT, timeout_seconds: 30 });
    const incoming = await sim.phone.deliverIncoming({ from: CHAT, body: 'hello from a contact' });
    const received = await delivered('message.received', (e) => e.type === 'message.received' && e.data.id === incoming.id);
    expect(received.data).toMatchObject({ id: incoming.id, chat_id: CHAT, from: CHAT, from_me: false, body: 'hello from a contact' });
    const waited = await waiting;
    expect(waited.result.isError).toBeFalsy();
    expect(waited.json).toMatchObject({ ok: true, count: 1, next_after: received.id, events: [received] });

    const send = await api(server.url, 'POST', '/api/send', { phone_number: CONTACT, message: 'a reply' });
    expect(send.status).toBe(200);
    const ours = send.body.message_id as string;
    const sentApi = await delivered('message.sent (api)', (e) => e.type === 'message.sent' && e.data.id === ours);
    expect(sentApi.data).toMatchObject({ chat_id: CHAT, from_me: true, body: 'a reply', source: 'api' });

    const fromPhone = await sim.phone.sendFromPhone({ to: CHAT, body: 'typed on the phone' });
    const sentPhone = await delivered('message.sent (phone)', (e) => e.type === 'message.sent' && e.data.id === fromPhone.id);
    expect(sentPhone.data).toMatchObject({ chat_id: CHAT, from_me: true, body: 'typed on the phone', source: 'phone' });

    await sim.phone.ack(ours, 'device');
    await sim.phone.ack(ours, 'read');
    const read = await delivered('message.ack read', (e) => e.type === 'message.ack' && e.data.id === ours && e.data.ack === 'read');
    expect(read.data).toEqual({ id: ours, chat_id: CHAT, ack: 'read' });
    const inStore = await api(server.url, 'GET', `/api/messages/${encodeURIComponent(ours)}`);
    expect(inStore.status).toBe(200);
    expect(inStore.body.message).toMatchObject({ id: ours, chat_id: CHAT, body: 'a reply', ack: 'read' });

    await sim.phone.edit(incoming.id, 'hello, edited');
    const edited = await delivered('message.edited', (e) => e.type === 'message.edited');
    expect(edited.data).toEqual({ id: incoming.id, chat_id: CHAT, body: 'hello, edited' });

    await sim.phone.react(ours, CHAT, '👍');
    const reaction = await delivered('message.reaction', (e) => e.type === 'message.reaction');
    expect(reaction.data).toEqual({ id: ours, chat_id: CHAT, from: CHAT, reaction: '👍' });

    await sim.phone.revoke(incoming.id);
    const revoked = await delivered('message.revoked', (e) => e.type === 'message.revoked');
    expect(revoked.data).toEqual({ id: incoming.id, chat_id: CHAT });

    // The log, the webhook and the stream agree: every stored event was delivered and streamed once.
    const stored = (await api(server.url, 'GET', '/api/events?limit=1000')).body.events as Envelope[];
    const ids = stored.map((e) => e.id);
    await hook.reach(ids.length);
    expect(new Set(hook.hits.map((h) => h.headers['webhook-id']))).toEqual(new Set(ids));
    await stream.waitUntil('every stored event on SSE', () => stream!.events.length >= ids.length, 10_000);
    expect(stream.events.map((f) => f.id)).toEqual(ids);
    expect(new Set(stored.map((e) => e.type))).toEqual(
      new Set([
        'session.status',
        'message.received',
        'message.sent',
        'message.ack',
        'message.edited',
        'message.reaction',
        'message.revoked',
      ]),
    );
  });
});
