import { INITIALIZE, type McpTestApp, rawPost, startMcpApp } from '../mcp-harness.js';

/*
 * The MCP event stream's SSE `retry` field (the conformance scenario server-sse-polling): each POST
 * answered as SSE starts with a priming event (an event id, `retry`, empty data), and a stream can be
 * resumed with Last-Event-ID.
 */

const PROTOCOL = '2025-11-25';
const SSE = { accept: 'application/json, text/event-stream' };

let t: McpTestApp;
let sessionId: string;

beforeEach(async () => {
  t = await startMcpApp();
  const init = await rawPost(t.url, INITIALIZE(PROTOCOL), SSE);
  expect(init.status).toBe(200);
  sessionId = init.headers.get('mcp-session-id')!;
  await init.text();
  const initialized = await rawPost(
    t.url,
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { ...SSE, 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL },
  );
  expect(initialized.status).toBe(202);
});

afterEach(async () => {
  await t.app.close();
});

/** The events of an SSE body, each as its fields. */
function sseEvents(text: string): Record<string, string>[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) =>
      Object.fromEntries(block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()])),
    );
}

const headers = { ...SSE, 'mcp-protocol-version': PROTOCOL };

it('a request answered as SSE starts with a priming event carrying retry, then the answer with an event id', async () => {
  const response = await rawPost(t.url, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { ...headers, 'mcp-session-id': sessionId });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  const [priming, answer, ...rest] = sseEvents(await response.text());
  expect(priming).toEqual({ id: expect.stringMatching(/^\d+$/), retry: '2000', data: '' });
  expect(answer).toMatchObject({ event: 'message', id: expect.stringMatching(/^\d+$/) });
  expect(JSON.parse(answer.data)).toMatchObject({ jsonrpc: '2.0', id: 2, result: { tools: expect.any(Array) } });
  expect(rest).toEqual([]);
});

it('a stream resumed with Last-Event-ID gets what followed that event', async () => {
  const response = await rawPost(
    t.url,
    { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'whatsapp_status', arguments: {} } },
    {
      ...headers,
      'mcp-session-id': sessionId,
    },
  );
  const [priming, answer] = sseEvents(await response.text());
  const resumed = new AbortController();
  const replay = await fetch(t.url, {
    headers: { ...headers, 'mcp-session-id': sessionId, 'last-event-id': priming.id },
    signal: resumed.signal,
  });
  expect(replay.status).toBe(200);
  const reader = replay.body!.getReader();
  const { value } = await reader.read();
  resumed.abort();
  const [replayed] = sseEvents(new TextDecoder().decode(value));
  expect(replayed).toEqual(answer);
});

it('an event id the session does not hold is refused', async () => {
  const replay = await fetch(t.url, { headers: { ...headers, 'mcp-session-id': sessionId, 'last-event-id': '999' } });
  expect(replay.status).toBe(400);
  await expect(replay.json()).resolves.toEqual({ jsonrpc: '2.0', error: { code: -32000, message: 'Invalid event ID format' }, id: null });
});
