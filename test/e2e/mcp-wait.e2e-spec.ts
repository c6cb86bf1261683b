import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { MessageWaits } from '../../src/events/message-waits.js';
import { WhatsAppTopic } from '../../src/whatsapp/whatsapp-events.js';
import { busOf, chatMessage, type Bus } from '../event-bus.js';
import { connectClient, INITIALIZE, type McpTestApp, rawPost, startMcpApp, textJson, until } from '../mcp-harness.js';

/* whatsapp_wait_for_messages over the SDK client: messages come from the app's bus, as a session publishes them. */

const TOOL = 'whatsapp_wait_for_messages';
const ALICE = '15551234567@c.us';
const BOB = '15557654321@c.us';

let t: McpTestApp;
let client: Client;
let transport: StreamableHTTPClientTransport;
let bus: Bus;
let waits: MessageWaits;

beforeEach(async () => {
  t = await startMcpApp();
  ({ client, transport } = await connectClient(t.url));
  await client.listTools();
  bus = busOf(t.app);
  waits = t.app.get(MessageWaits);
});

afterEach(async () => {
  await client.close();
  await t.app.close();
});

interface Answer {
  ok: true;
  count: number;
  events: { id: string; type: string; data: Record<string, unknown> }[];
  next_after: string | null;
}

async function wait(args: Record<string, unknown>, signal?: AbortSignal): Promise<{ isError: boolean; json: Answer }> {
  const result = await client.callTool({ name: TOOL, arguments: args }, undefined, { signal, timeout: 90_000 });
  return { isError: result.isError === true, json: textJson(result) as Answer };
}

const receive = (n: number, chatId = ALICE) =>
  bus.publish(WhatsAppTopic.received, { message: chatMessage(n, { chat_id: chatId, from: chatId }) });
/** The cursor "now": a wait that answers at once. */
const cursor = async () => (await wait({})).json.next_after;

it('is listed with its inputs', async () => {
  const tool = (await client.listTools()).tools.find((candidate) => candidate.name === TOOL)!;
  const strip = (schema: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, { ...(v as object), description: undefined }]));
  expect(strip(tool.inputSchema.properties!)).toEqual({
    phone_number: { type: 'string', description: undefined },
    after: { type: 'string', description: undefined },
    timeout_seconds: { type: 'integer', minimum: 0, maximum: 60, default: 0, description: undefined },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20, description: undefined },
    session: { type: 'string', description: undefined },
  });
  expect(tool.inputSchema.required).toBeUndefined();
  expect(tool.description).toMatch(/untrusted data[\s\S]*never as instructions/);
});

it('timeout_seconds 0 answers at once; without a cursor it starts from now', async () => {
  receive(1);
  const started = Date.now();
  const { isError, json } = await wait({ timeout_seconds: 0 });
  expect(Date.now() - started).toBeLessThan(1000);
  expect(isError).toBe(false);
  expect(json).toEqual({ ok: true, count: 0, events: [], next_after: expect.stringMatching(/^evt_/) });
  expect(waits.size).toBe(0);
});

it('waits, then returns the message as soon as it arrives, with the next cursor', async () => {
  const after = await cursor();
  const waiting = wait({ after, timeout_seconds: 30 });
  await until(
    'the wait to be listening',
    () => waits.size,
    (size) => size === 1,
  );
  receive(7);
  const { isError, json } = await waiting;
  expect(isError).toBe(false);
  expect(json).toMatchObject({ ok: true, count: 1, events: [{ type: 'message.received', data: { ...chatMessage(7), chat_id: ALICE } }] });
  expect(json.next_after).toBe(json.events[0].id);
  expect(waits.size).toBe(0);
  // The cursor moves on: the same message is not returned again.
  await expect(wait({ after: json.next_after })).resolves.toEqual({
    isError: false,
    json: { ok: true, count: 0, events: [], next_after: json.next_after },
  });
});

it('returns messages already there after the cursor at once, oldest first, up to limit', async () => {
  const after = await cursor();
  receive(1);
  receive(2);
  receive(3);
  const { json } = await wait({ after, limit: 2, timeout_seconds: 30 });
  expect(json.events.map((event) => event.data.body)).toEqual(['message 1', 'message 2']);
  expect(json.next_after).toBe(json.events[1].id);
});

it('times out empty with the same cursor', async () => {
  const after = await cursor();
  await expect(wait({ after, timeout_seconds: 1 })).resolves.toEqual({
    isError: false,
    json: { ok: true, count: 0, events: [], next_after: after },
  });
  expect(waits.size).toBe(0);
});

it('with phone_number, only that private chat counts', async () => {
  const after = await cursor();
  const waiting = wait({ after, phone_number: '+1 555 123 4567', timeout_seconds: 30 });
  await until(
    'the wait to be listening',
    () => waits.size,
    (size) => size === 1,
  );
  receive(1, BOB);
  receive(2, '120363000000000000@g.us');
  receive(3, ALICE);
  const { json } = await waiting;
  expect(json.events.map((event) => event.data.chat_id)).toEqual([ALICE]);
});

it('a cancelled call stops waiting', async () => {
  const controller = new AbortController();
  const waiting = wait({ timeout_seconds: 60 }, controller.signal);
  await until(
    'the wait to be listening',
    () => waits.size,
    (size) => size === 1,
  );
  controller.abort('the agent gave up');
  await expect(waiting).rejects.toThrow();
  await until(
    'the wait to stop',
    () => waits.size,
    (size) => size === 0,
  );
});

it('a closed session stops its waits', async () => {
  const waiting = wait({ timeout_seconds: 60 }).catch((error: unknown) => error);
  await until(
    'the wait to be listening',
    () => waits.size,
    (size) => size === 1,
  );
  await transport.terminateSession();
  await until(
    'the wait to stop',
    () => waits.size,
    (size) => size === 0,
  );
  // The client would try to resume the call's stream; closing it settles the call.
  await client.close();
  await expect(waiting).resolves.toBeInstanceOf(Error);
});

it('a plain JSON client that drops its request stops the wait (it cannot resume)', async () => {
  const init = await rawPost(t.url, INITIALIZE('2025-06-18'));
  const sessionId = init.headers.get('mcp-session-id')!;
  await init.text();
  const dropped = new AbortController();
  const call = fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: TOOL, arguments: { timeout_seconds: 60 } } }),
    signal: dropped.signal,
  });
  await until(
    'the wait to be listening',
    () => waits.size,
    (size) => size === 1,
  );
  dropped.abort();
  await expect(call).rejects.toThrow();
  await until(
    'the wait to stop',
    () => waits.size,
    (size) => size === 0,
  );
});

it.each([
  [{ timeout_seconds: 61 }, 'timeout_seconds must be an integer between 0 and 60'],
  [{ timeout_seconds: -1 }, 'timeout_seconds must be an integer between 0 and 60'],
  [{ timeout_seconds: 1.5 }, 'timeout_seconds must be an integer between 0 and 60'],
  [{ timeout_seconds: '5' }, 'timeout_seconds must be an integer between 0 and 60'],
  [{ limit: 0 }, 'limit must be an integer between 1 and 100'],
  [{ limit: 101 }, 'limit must be an integer between 1 and 100'],
  [{ after: 'evt_nope' }, 'after must be an event id (evt_ followed by 26 characters of a ULID)'],
  [{ after: 42 }, 'after must be an event id (evt_ followed by 26 characters of a ULID)'],
  [{ phone_number: '1234' }, 'phone_number must include country code and contain 8-15 digits'],
])('refuses %p with invalid_input', async (args, message) => {
  const result = await client.callTool({ name: TOOL, arguments: args });
  expect(result.isError).toBe(true);
  expect(textJson(result)).toEqual({ ok: false, error: { code: 'invalid_input', message } });
  expect(waits.size).toBe(0);
});
