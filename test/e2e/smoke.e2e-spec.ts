import { startServer, type ServerProcess } from '../server-process.js';

describe('the server started as the README says (npm start)', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer();
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('answers /health with the contract shape on 127.0.0.1', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ ok: true, name: 'whatsapp-mcp-api', mcp: `${server.url}/mcp`, status: { state: 'stopped' } });
  });

  it('logs JSON lines only, the access line of each request included', async () => {
    await fetch(`${server.url}/health`);
    await server.waitForOutput(/"msg":"GET \/health 200"/);
    const lines = server.output().split('\n').filter(Boolean);
    const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(entries.every((e) => typeof e.level === 'number' && typeof e.msg === 'string')).toBe(true);
    expect(entries.map((e) => e.msg)).toContain('GET /health 200');
  });

  it('answers an unknown route with the JSON error shape', async () => {
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    await expect(res.json()).resolves.toEqual({ ok: false, error: { code: 'not_found', message: 'Cannot GET /nope' } });
  });
});

describe('shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('the server process exits on %s', async (signal) => {
    const server = await startServer({}, ['node', 'dist/main.js']);
    const exit = await server.stop(signal);
    // Nest's shutdown hooks close the app, then re-raise the signal.
    expect(exit).toEqual({ code: null, signal });
    expect(server.output()).not.toMatch(/error/i);
  });
});

describe('configuration is validated at boot', () => {
  it('a bad value stops the process with a message naming the variable', async () => {
    await expect(startServer({ WHATSAPP_MCP_PORT: 'eighty' }, ['node', 'dist/main.js'], 20_000)).rejects.toThrow(
      /exited with 1 before listening:\nInvalid configuration: WHATSAPP_MCP_PORT must be an integer from 0 to 65535 \(got "eighty"\)/,
    );
  });
});
