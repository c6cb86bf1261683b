import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../../src/config/api-keys-file.js';
import { MessageWaits } from '../../src/events/message-waits.js';
import { McpSessionRegistry } from '../../src/mcp/mcp-session.registry.js';
import { ApiKeys } from '../../src/security/api-keys.js';
import { WhatsAppTopic } from '../../src/whatsapp/whatsapp-events.js';
import { createTestApp, type TestApp } from '../app-harness.js';
import { busOf, chatMessage, type Bus } from '../event-bus.js';
import { INITIALIZE, rawPost, until } from '../mcp-harness.js';
import { SseClient } from '../sse-client.js';
import { tempDir } from '../temp-dirs.js';

/*
 * Streams and MCP sessions are authorised when they open; a keys reload that removes their key, or
 * takes away what they need, ends them, while those of the other keys go on.
 */

const KEYS = { a: 'key-a-0123456789', b: 'key-b-0123456789' };
type Entry = { name: keyof typeof KEYS; scopes: readonly string[]; sessions: readonly string[] };
const A: Entry = { name: 'a', scopes: ['read', 'send'], sessions: ['*'] };
const B: Entry = { name: 'b', scopes: ['read', 'send'], sessions: ['*'] };
const as = (key: keyof typeof KEYS) => ({ 'X-Api-Key': KEYS[key] });

let t: TestApp | undefined;
let bus: Bus;
let base: string;
let file: string;
const streams: SseClient[] = [];

function writeKeys(entries: readonly Entry[]): void {
  writeFileSync(file, JSON.stringify(entries.map((e) => ({ ...e, key_sha256: sha256(KEYS[e.name]).toString('hex') }))));
}

async function boot(): Promise<void> {
  file = join(tempDir('wa-keys-'), 'keys.json');
  writeKeys([A, B]);
  t = await createTestApp({ WHATSAPP_API_KEYS_FILE: file });
  bus = busOf(t.app);
  await t.app.listen(0, '127.0.0.1');
  base = await t.app.getUrl();
}

async function stream(path: string, headers: Record<string, string>): Promise<SseClient> {
  const client = await SseClient.open(`${base}${path}`, headers);
  streams.push(client);
  expect(client.res.statusCode).toBe(200);
  return client;
}

let sent = 0;
/** Publishes a message on `session` and waits until each of `readers` has it. */
async function deliver(readers: SseClient[], session = 'default'): Promise<void> {
  const id = `false_15551234567@c.us_LIVE${++sent}`;
  bus.publish(WhatsAppTopic.received, { session, message: chatMessage(sent, { id }) });
  for (const reader of readers) {
    await reader.waitUntil(`the live message ${id}`, () => reader.events.some((frame) => frame.data?.includes(id) === true));
  }
}

afterEach(async () => {
  for (const client of streams.splice(0)) client.close();
  await t?.app.close();
  t = undefined;
});

describe('GET /api/events/stream after a keys reload', () => {
  it.each([
    ['SIGHUP removes key A', [B], 'sighup'],
    ['a reload takes "read" from key A', [{ ...A, scopes: ['send'] }, B], 'reload'],
    ['a reload takes the default session from key A', [{ ...A, sessions: ['sales'] }, B], 'reload'],
  ] as const)("%s: A's stream ends, B's still gets the next event", async (_case, entries, how) => {
    await boot();
    const a = await stream('/api/events/stream', as('a'));
    const b = await stream('/api/events/stream', as('b'));
    await deliver([a, b]);
    writeKeys([...entries]);
    if (how === 'sighup') expect(process.emit('SIGHUP', 'SIGHUP')).toBe(true);
    else expect(t!.app.get(ApiKeys).reload()).toBe(true);
    await a.waitUntil("the end of A's stream", () => a.isEnded);
    await deliver([b]);
    expect(b.isEnded).toBe(false);
  });

  it("keeps A's stream of a session A may still read", async () => {
    await boot();
    t!.whatsapp.create('sales');
    const onDefault = await stream('/api/events/stream', as('a'));
    const onSales = await stream('/api/sessions/sales/events/stream', as('a'));
    writeKeys([{ ...A, sessions: ['sales'] }, B]);
    expect(t!.app.get(ApiKeys).reload()).toBe(true);
    await onDefault.waitUntil('the end of the default session stream', () => onDefault.isEnded);
    await deliver([onSales], 'sales');
    expect(onSales.isEnded).toBe(false);
  });

  it('a reload that fails (a bad file) closes nothing', async () => {
    await boot();
    const a = await stream('/api/events/stream', as('a'));
    writeFileSync(file, '[{"name":"b"}]');
    expect(t!.app.get(ApiKeys).reload()).toBe(false);
    await deliver([a]);
    expect(a.isEnded).toBe(false);
  });
});

describe('MCP sessions after a keys reload', () => {
  const PROTOCOL = '2025-06-18';

  /** A session opened by `key` (plain JSON answers) and its server-to-client stream. */
  async function openSession(key: keyof typeof KEYS): Promise<{ id: string; stream: SseClient }> {
    const init = await rawPost(`${base}/mcp`, INITIALIZE(PROTOCOL), as(key));
    expect(init.status).toBe(200);
    const id = init.headers.get('mcp-session-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const headers = { ...as(key), 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL };
    expect((await rawPost(`${base}/mcp`, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).status).toBe(202);
    return { id, stream: await stream('/mcp', headers) };
  }

  const callStatus = (session: string, key: keyof typeof KEYS) =>
    rawPost(
      `${base}/mcp`,
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'whatsapp_status', arguments: {} } },
      { ...as(key), 'mcp-session-id': session, 'mcp-protocol-version': PROTOCOL },
    );

  const SESSION_NOT_FOUND = {
    jsonrpc: '2.0',
    error: { code: -32001, message: 'Session not found: it was closed or expired; send initialize without a session id to open a new one' },
    id: 7,
  };

  it.each([
    ['SIGHUP removes key A (the call comes with B)', [B], 'b', 'sighup'],
    ['a reload takes "read" from key A (the call comes with A)', [{ ...A, scopes: ['send'] }, B], 'a', 'reload'],
    ['a reload narrows key A to another session', [{ ...A, sessions: ['sales'] }, B], 'a', 'reload'],
  ] as const)("%s: A's session is closed, its stream ends; B's goes on", async (_case, entries, caller, how) => {
    await boot();
    const registry = t!.app.get(McpSessionRegistry);
    const a = await openSession('a');
    const b = await openSession('b');
    expect(registry.size).toBe(2);
    writeKeys([...entries]);
    if (how === 'sighup') expect(process.emit('SIGHUP', 'SIGHUP')).toBe(true);
    else expect(t!.app.get(ApiKeys).reload()).toBe(true);
    await a.stream.waitUntil("the end of A's MCP stream", () => a.stream.isEnded);
    const refused = await callStatus(a.id, caller);
    expect(refused.status).toBe(404);
    await expect(refused.json()).resolves.toEqual(SESSION_NOT_FOUND);

    const served = await callStatus(b.id, 'b');
    expect(served.status).toBe(200);
    const body = (await served.json()) as { id: number; result: { isError?: boolean; content: { text: string }[] } };
    expect(body).toMatchObject({ jsonrpc: '2.0', id: 7 });
    expect(body.result.isError).toBeUndefined();
    expect(JSON.parse(body.result.content[0].text)).toMatchObject({ state: t!.whatsapp.session().status().state });
    expect(b.stream.isEnded).toBe(false);
    expect(registry.size).toBe(1);
  });

  it("a wait made with key A on B's session answers forbidden once a reload removes A; B's session goes on", async () => {
    await boot();
    const b = await openSession('b');
    const waits = t!.app.get(MessageWaits);
    const waiting = rawPost(
      `${base}/mcp`,
      { jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'whatsapp_wait_for_messages', arguments: { timeout_seconds: 60 } } },
      { ...as('a'), 'mcp-session-id': b.id, 'mcp-protocol-version': PROTOCOL },
    );
    await until(
      'the wait to start',
      () => waits.size,
      (size) => size === 1,
      5_000,
    );
    writeKeys([B]);
    expect(t!.app.get(ApiKeys).reload()).toBe(true);
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      jsonrpc: '2.0',
      id: 8,
      result: {
        isError: true,
        content: [
          {
            type: 'text',
            text: JSON.stringify({ ok: false, error: { code: 'forbidden', message: 'The key this call was made with was removed.' } }),
          },
        ],
      },
    });
    expect(waits.size).toBe(0);
    expect(b.stream.isEnded).toBe(false);
    expect((await callStatus(b.id, 'b')).status).toBe(200);
  });

  it("a reload that widens A's rights, or fails, keeps its session", async () => {
    await boot();
    const a = await openSession('a');
    writeKeys([{ ...A, scopes: ['read', 'send', 'admin'] }, B]);
    expect(t!.app.get(ApiKeys).reload()).toBe(true);
    writeFileSync(file, 'not json');
    expect(t!.app.get(ApiKeys).reload()).toBe(false);
    const served = await callStatus(a.id, 'a');
    expect(served.status).toBe(200);
    expect(((await served.json()) as { result: { isError?: boolean } }).result.isError).toBeUndefined();
    expect(a.stream.isEnded).toBe(false);
  });
});
