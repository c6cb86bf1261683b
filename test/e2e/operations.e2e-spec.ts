import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import request from 'supertest';
import type { ClientState } from '../../src/whatsapp/client-status.js';
import { createTestApp, type TestApp } from '../app-harness.js';
import { startMcpApp } from '../mcp-harness.js';

const KEY = 'ops-key-0123456789abcdef';

let t: TestApp;
let http: ReturnType<typeof request>;

async function boot(env: Record<string, string> = {}): Promise<void> {
  t = await createTestApp(env);
  http = request(t.app.getHttpServer());
}

afterEach(async () => {
  await t?.app.close();
});

const reached = (state: ClientState) => t.reached(state);
const pair = (headers: Record<string, string> = {}) => t.pair(headers);

/** The value of one sample in Prometheus text, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('readiness: GET /health/ready', () => {
  it('follows the client state: 503 until ready, 200 when ready, 503 after a disconnect', async () => {
    await boot({ WHATSAPP_API_KEY: KEY });
    await http.get('/health/ready').expect(503, { ready: false, state: 'stopped' });
    await http.post('/api/auth/start').set('X-Api-Key', KEY).expect(200);
    await http.get('/health/ready').expect(503, { ready: false, state: 'qr' });
    t.fake.current.scan();
    await reached('ready');
    await http.get('/health/ready').expect(200, { ready: true, state: 'ready' });
    t.fake.current.emit('disconnected', 'CONFLICT');
    await reached('disconnected');
    await http.get('/health/ready').expect(503, { ready: false, state: 'disconnected' });
  });
});

describe('metrics: GET /metrics', () => {
  it('is behind the key', async () => {
    await boot({ WHATSAPP_API_KEY: KEY });
    await http.get('/metrics').expect(401);
    const res = await http
      .get('/metrics')
      .set('X-Api-Key', KEY)
      .expect(200)
      .expect('Content-Type', /text\/plain; version=0\.0\.4/);
    expect(res.text).toContain('# TYPE http_requests_total counter');
  });

  it('counts requests by route and status, sends and failures, and shows the state', async () => {
    await boot();
    await pair();
    t.fake.unregistered.add('15550009999');
    await http.get('/api/status').expect(200);
    await http.get('/api/status').expect(200);
    await http.get('/no/such/path').expect(404);
    await http.post('/api/send').send({ phone_number: '15551234567', message: 'hi' }).expect(200);
    await http.post('/api/send').send({ phone_number: '15550009999', message: 'hi' }).expect(404);
    await http.post('/api/send').send({ phone_number: '1', message: 'hi' }).expect(400);
    const text = (await http.get('/metrics').expect(200)).text;
    expect(sample(text, 'http_requests_total{method="GET",route="/api/status",status="200"}')).toBe(2);
    expect(sample(text, 'http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect(sample(text, 'http_requests_total{method="POST",route="/api/send",status="404"}')).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count{method="GET",route="/api/status",status="200"}')).toBe(2);
    expect(sample(text, 'whatsapp_messages_sent_total{session="default"}')).toBe(1);
    expect(sample(text, 'whatsapp_messages_failed_total{session="default",code="not_on_whatsapp"}')).toBe(1);
    expect(sample(text, 'whatsapp_client_state{session="default",state="ready"}')).toBe(1);
    expect(sample(text, 'whatsapp_client_state{session="default",state="stopped"}')).toBe(0);
    expect(sample(text, 'whatsapp_restarts{session="default"}')).toBe(0);
    expect(sample(text, 'chrome_resident_memory_bytes{session="default"}')).toBe(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts open MCP sessions', async () => {
    const mcp = await startMcpApp();
    t = mcp;
    const scrape = async () => sample(await (await fetch(mcp.url.replace('/mcp', '/metrics'))).text(), 'mcp_sessions_open');
    expect(await scrape()).toBe(0);
    const client = new Client({ name: 'e2e', version: '0' });
    const transport = new StreamableHTTPClientTransport(new URL(mcp.url));
    await client.connect(transport);
    expect(await scrape()).toBe(1);
    await transport.terminateSession();
    await client.close();
    expect(await scrape()).toBe(0);
  });
});
