import request from 'supertest';
import { ALL_TOOLS, INITIALIZE, type McpTestApp, rawPost, startMcpApp } from '../mcp-harness.js';

const SSE_ACCEPT = { accept: 'application/json, text/event-stream' };

/** The data of the first SSE event of a response (an SDK answer in SSE mode). */
async function firstSseData(response: Response): Promise<unknown> {
  const text = await response.text();
  const line = text.split('\n').find((l) => l.startsWith('data: '));
  if (!line) throw new Error(`no SSE data in ${JSON.stringify(text)}`);
  return JSON.parse(line.slice('data: '.length));
}

describe('MCP over plain HTTP, as the original was used', () => {
  let t: McpTestApp;

  beforeEach(async () => {
    t = await startMcpApp();
  });

  afterEach(async () => {
    await t.app.close();
  });

  describe('the original exchange (content-type JSON, no Accept for SSE)', () => {
    it('initialize 2024-11-05 → 200 JSON and mcp-session-id; tools/list and tools/call with it', async () => {
      const init = await rawPost(t.url, INITIALIZE('2024-11-05'));
      expect(init.status).toBe(200);
      expect(init.headers.get('content-type')).toMatch(/^application\/json/);
      const sessionId = init.headers.get('mcp-session-id');
      expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
      await expect(init.json()).resolves.toEqual({
        jsonrpc: '2.0',
        id: 1,
        result: expect.objectContaining({
          protocolVersion: '2024-11-05',
          capabilities: { tools: {}, resources: { subscribe: true } },
          serverInfo: expect.objectContaining({ name: 'whatsapp-mcp-api', version: '1.0.0' }),
          instructions: expect.stringContaining('whatsapp_status'),
        }),
      });

      const initialized = await rawPost(t.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sessionId! });
      expect(initialized.status).toBe(202);

      const list = await rawPost(t.url, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-session-id': sessionId! });
      expect(list.status).toBe(200);
      expect(list.headers.get('content-type')).toMatch(/^application\/json/);
      const listed = (await list.json()) as { id: number; result: { tools: { name: string }[] } };
      expect(listed.id).toBe(2);
      expect(listed.result.tools).toHaveLength(ALL_TOOLS.length);

      const status = await rawPost(
        t.url,
        { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'whatsapp_status', arguments: {} } },
        { 'mcp-session-id': sessionId! },
      );
      expect(status.status).toBe(200);
      const called = (await status.json()) as { id: number; result: { content: { type: string; text: string }[] } };
      expect(called.id).toBe(3);
      expect(JSON.parse(called.result.content[0].text)).toEqual(t.whatsapp.session().status());
      expect(t.registry.size).toBe(1);
    });

    it('a one-shot tools/call without a session is answered statelessly, with the original error texts', async () => {
      const response = await rawPost(t.url, {
        jsonrpc: '2.0',
        id: 'a',
        method: 'tools/call',
        params: { name: 'whatsapp_pairing_code', arguments: { phone_number: '+1 555' } },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('mcp-session-id')).toBeNull();
      await expect(response.json()).resolves.toEqual({
        jsonrpc: '2.0',
        id: 'a',
        result: {
          content: [
            {
              type: 'text',
              text: '{"ok":false,"error":{"code":"invalid_input","message":"phone_number must include country code and contain 8-15 digits"}}',
            },
          ],
          isError: true,
        },
      });
      expect(t.registry.size).toBe(0);
    });

    it("a one-shot call with curl's default Accept (*/*) gets plain JSON too", async () => {
      const response = await rawPost(t.url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { accept: '*/*' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      await expect(response.json()).resolves.toMatchObject({ id: 1, result: { tools: expect.any(Array) } });
    });

    it('an unknown method → -32601, in a session and outside one', async () => {
      const init = await rawPost(t.url, INITIALIZE());
      const sessionId = init.headers.get('mcp-session-id')!;
      const withAndWithout: Record<string, string>[] = [{ 'mcp-session-id': sessionId }, {}];
      for (const headers of withAndWithout) {
        const response = await rawPost(t.url, { jsonrpc: '2.0', id: 9, method: 'whatsapp/unknown' }, headers);
        expect(response.status).toBe(200);
        await expect(response.json()).resolves.toEqual({
          jsonrpc: '2.0',
          id: 9,
          error: { code: -32601, message: 'Method not found' },
        });
      }
    });

    it('ping works (it failed the conformance scenario in the original)', async () => {
      const response = await rawPost(t.url, { jsonrpc: '2.0', id: 5, method: 'ping' });
      await expect(response.json()).resolves.toEqual({ jsonrpc: '2.0', id: 5, result: {} });
    });
  });

  describe('protocol versions', () => {
    it.each(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25'])('negotiates %s', async (version) => {
      const response = await rawPost(t.url, INITIALIZE(version));
      await expect(response.json()).resolves.toMatchObject({ result: { protocolVersion: version } });
    });

    it('answers an unknown version with the latest it supports', async () => {
      const response = await rawPost(t.url, INITIALIZE('1999-01-01'));
      await expect(response.json()).resolves.toMatchObject({ result: { protocolVersion: '2025-11-25' } });
    });
  });

  describe('SSE clients', () => {
    it('initialize with Accept for SSE gets an event stream', async () => {
      const response = await rawPost(t.url, INITIALIZE('2025-06-18'), SSE_ACCEPT);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      await expect(firstSseData(response)).resolves.toMatchObject({ id: 1, result: { protocolVersion: '2025-06-18' } });
    });

    it('GET opens the server-to-client stream; one per session; DELETE ends it', async () => {
      const init = await rawPost(t.url, INITIALIZE('2025-06-18'), SSE_ACCEPT);
      const sessionId = init.headers.get('mcp-session-id')!;
      await init.text();
      const headers = { accept: 'text/event-stream', 'mcp-session-id': sessionId };

      const stream = await fetch(t.url, { headers });
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toBe('text/event-stream');
      expect(stream.headers.get('mcp-session-id')).toBe(sessionId);

      const second = await fetch(t.url, { headers });
      expect(second.status).toBe(409);
      await expect(second.json()).resolves.toMatchObject({ error: { message: expect.stringContaining('Only one SSE stream') } });

      const ended = fetch(t.url, { method: 'DELETE', headers: { 'mcp-session-id': sessionId } });
      await expect(ended).resolves.toMatchObject({ status: 200 });
      // The stream closes with the session: reading it to the end finishes.
      await expect(stream.text()).resolves.toEqual(expect.any(String));
      expect(t.registry.size).toBe(0);
    });
  });

  describe('refusals', () => {
    it('GET and DELETE without a session → 400 JSON-RPC error', async () => {
      for (const method of ['GET', 'DELETE']) {
        const response = await fetch(t.url, { method, headers: { accept: 'text/event-stream' } });
        expect(response.status).toBe(400);
        await expect(response.json()).resolves.toEqual({
          jsonrpc: '2.0',
          error: { code: -32000, message: 'Bad Request: Mcp-Session-Id header is required' },
          id: null,
        });
      }
    });

    it('an unknown session id → 404 on POST, GET and DELETE', async () => {
      for (const method of ['POST', 'GET', 'DELETE']) {
        const response = await fetch(t.url, {
          method,
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': 'nope' },
          body: method === 'POST' ? JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) : undefined,
        });
        expect(response.status).toBe(404);
        await expect(response.json()).resolves.toMatchObject({
          jsonrpc: '2.0',
          error: { code: -32001, message: expect.stringMatching(/^Session not found/) },
        });
      }
    });

    it('malformed JSON → 400 with a JSON-RPC parse error (-32700)', async () => {
      const response = await rawPost(t.url, '{"jsonrpc":"2.0",');
      expect(response.status).toBe(400);
      await expect(response.json()).resolves.toEqual({
        jsonrpc: '2.0',
        error: { code: -32700, message: 'Parse error: Malformed JSON body' },
        id: null,
      });
    });

    it('malformed JSON on a REST route keeps the REST error body', async () => {
      const response = await rawPost(t.url.replace('/mcp', '/api/send'), '{"jsonrpc":');
      expect(response.status).toBe(400);
      await expect(response.json()).resolves.toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    });

    it("valid JSON that is not JSON-RPC → 400 with the SDK's parse error", async () => {
      const response = await rawPost(t.url, { hello: 'world' });
      expect(response.status).toBe(400);
      await expect(response.json()).resolves.toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
    });

    it('a Host that is not loopback is refused (DNS-rebinding protection)', async () => {
      const response = await request(t.app.getHttpServer())
        .post('/mcp')
        .set('Host', 'attacker.example')
        .send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({
        jsonrpc: '2.0',
        error: {
          code: -32000,
          message: 'Host "attacker.example" is not allowed; add it to WHATSAPP_ALLOWED_HOSTS if this server is reached through it.',
        },
        id: null,
      });
    });
  });

  describe('the session cap', () => {
    it('over the cap, initialize → 503 with a clear message; a closed session frees a slot', async () => {
      await t.app.close();
      t = await startMcpApp({ WHATSAPP_MCP_MAX_SESSIONS: '2' });
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) ids.push((await rawPost(t.url, INITIALIZE())).headers.get('mcp-session-id')!);

      const refused = await rawPost(t.url, INITIALIZE('2024-11-05', 42));
      expect(refused.status).toBe(503);
      expect(refused.headers.get('mcp-session-id')).toBeNull();
      await expect(refused.json()).resolves.toEqual({
        jsonrpc: '2.0',
        error: { code: -32000, message: expect.stringContaining('Too many MCP sessions: all 2 are in use') },
        id: 42,
      });
      expect(t.registry.size).toBe(2);

      // One-shot calls need no session, so they still work at the cap.
      await expect(rawPost(t.url, { jsonrpc: '2.0', id: 1, method: 'ping' }).then((r) => r.json())).resolves.toMatchObject({ result: {} });

      await fetch(t.url, { method: 'DELETE', headers: { 'mcp-session-id': ids[0] } });
      const admitted = await rawPost(t.url, INITIALIZE());
      expect(admitted.status).toBe(200);
      expect(admitted.headers.get('mcp-session-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('a refused initialize leaves no session behind', async () => {
      const response = await rawPost(t.url, [INITIALIZE(), { jsonrpc: '2.0', id: 2, method: 'ping' }]);
      expect(response.status).toBe(400);
      await expect(response.json()).resolves.toMatchObject({ error: { code: -32600 } });
      expect(t.registry.size).toBe(0);
    });
  });
});
