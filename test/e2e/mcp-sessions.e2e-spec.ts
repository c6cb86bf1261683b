import { once } from 'node:events';
import { INITIALIZE, type McpTestApp, rawPost, startMcpApp } from '../mcp-harness.js';

const LIST = { jsonrpc: '2.0', id: 2, method: 'tools/list' };

async function openSession(url: string): Promise<string> {
  const response = await rawPost(url, INITIALIZE());
  await response.text();
  const id = response.headers.get('mcp-session-id');
  if (response.status !== 200 || !id) throw new Error(`initialize answered ${response.status}`);
  return id;
}

describe('MCP sessions are bounded', () => {
  let t: McpTestApp;

  afterEach(async () => {
    await t.app.close();
  });

  it('2,000 sessions opened and closed leave none open', async () => {
    t = await startMcpApp();
    let closed = 0;
    t.registry.events.on('closed', () => closed++);
    const openAndClose = async () => {
      const id = await openSession(t.url);
      const response = await fetch(t.url, { method: 'DELETE', headers: { 'mcp-session-id': id } });
      return response.status;
    };
    // 40 rounds of 50 concurrent clients.
    for (let round = 0; round < 40; round++) {
      const statuses = await Promise.all(Array.from({ length: 50 }, openAndClose));
      expect(statuses).toEqual(Array(50).fill(200));
    }
    expect(t.registry.size).toBe(0);
    expect(closed).toBe(2_000);
  }, 60_000);

  it('an idle session expires after the configured time, and its id then answers 404', async () => {
    t = await startMcpApp({ WHATSAPP_MCP_SESSION_IDLE_MS: '100' });
    const sessionId = await openSession(t.url);
    const [expired] = await once(t.registry.events, 'expired');
    expect(expired).toBe(sessionId);
    expect(t.registry.size).toBe(0);
    const response = await rawPost(t.url, LIST, { 'mcp-session-id': sessionId });
    expect(response.status).toBe(404);
    await expect(response.json()).resolves.toMatchObject({ error: { code: -32001 } });
  });

  it('a client listening on its event stream is not idle; once the stream closes the idle time counts', async () => {
    t = await startMcpApp({ WHATSAPP_MCP_SESSION_IDLE_MS: '1000' });
    let now = 0;
    t.registry.now = () => now;
    const sessionId = await openSession(t.url);
    const listening = new AbortController();
    const stream = await fetch(t.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId }, signal: listening.signal });
    expect(stream.status).toBe(200);
    now = 5000;
    await expect(t.registry.sweep()).resolves.toBe(0);
    const closed = once(t.registry.events, 'streamClosed');
    listening.abort();
    await expect(closed).resolves.toEqual([sessionId]);
    now = 5999;
    await expect(t.registry.sweep()).resolves.toBe(0);
    now = 6000;
    await expect(t.registry.sweep()).resolves.toBe(1);
  });

  it('only sessions idle for the whole idle time expire; every request counts as activity', async () => {
    t = await startMcpApp({ WHATSAPP_MCP_SESSION_IDLE_MS: '1000' });
    let now = 0;
    t.registry.now = () => now;
    const idle = await openSession(t.url);
    const active = await openSession(t.url);
    now = 900;
    expect((await rawPost(t.url, LIST, { 'mcp-session-id': active })).status).toBe(200);

    now = 999;
    await expect(t.registry.sweep()).resolves.toBe(0);
    now = 1000;
    await expect(t.registry.sweep()).resolves.toBe(1);

    expect((await rawPost(t.url, LIST, { 'mcp-session-id': idle })).status).toBe(404);
    expect((await rawPost(t.url, LIST, { 'mcp-session-id': active })).status).toBe(200);
    expect(t.registry.size).toBe(1);
  });

  it('shutdown closes every session, also one holding an SSE stream open', async () => {
    t = await startMcpApp();
    const ids = [await openSession(t.url), await openSession(t.url), await openSession(t.url)];
    const stream = await fetch(t.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': ids[0]! } });
    expect(stream.status).toBe(200);
    const closed: string[] = [];
    t.registry.events.on('closed', (id) => closed.push(id));

    await t.app.close();
    expect(closed.sort()).toEqual([...ids].sort());
    expect(t.registry.size).toBe(0);
    await expect(stream.text()).resolves.toEqual(expect.any(String));
  });
});
