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

  // The load version (2,000 sessions, 50 at a time) is in `npm run bench`.
  it('concurrent clients up to the cap are served, one more is refused, and closed sessions free their slots', async () => {
    t = await startMcpApp({ WHATSAPP_MCP_MAX_SESSIONS: '5' });
    let closed = 0;
    t.registry.events.on('closed', () => closed++);
    const close = async (id: string) => (await fetch(t.url, { method: 'DELETE', headers: { 'mcp-session-id': id } })).status;
    const full = await Promise.all(Array.from({ length: 5 }, () => openSession(t.url)));
    expect(new Set(full).size).toBe(5);
    const refused = await rawPost(t.url, INITIALIZE());
    expect(refused.status).toBe(503);
    await expect(refused.json()).resolves.toMatchObject({
      error: { message: expect.stringContaining('Too many MCP sessions: all 5 are in use') },
    });
    await expect(Promise.all(full.map(close))).resolves.toEqual(Array(5).fill(200));
    for (let round = 0; round < 3; round++) {
      const statuses = await Promise.all(Array.from({ length: 5 }, async () => close(await openSession(t.url))));
      expect(statuses).toEqual(Array(5).fill(200));
    }
    expect(t.registry.size).toBe(0);
    expect(closed).toBe(20);
  }, 30_000);

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
    const stream = await fetch(t.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': ids[0] } });
    expect(stream.status).toBe(200);
    const closed: string[] = [];
    t.registry.events.on('closed', (id) => closed.push(id));

    await t.app.close();
    expect(closed.sort()).toEqual([...ids].sort());
    expect(t.registry.size).toBe(0);
    await expect(stream.text()).resolves.toEqual(expect.any(String));
  });
});
