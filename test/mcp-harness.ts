import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { McpSessionRegistry } from '../src/mcp/mcp-session.registry.js';
import { createTestApp, type TestApp } from './app-harness.js';

/** The seven tools of the contract's table (API.md, "MCP"). */
export const CONTRACT_TOOLS = [
  'whatsapp_status',
  'whatsapp_start_auth',
  'whatsapp_pairing_code',
  'whatsapp_send_message',
  'whatsapp_list_chats',
  'whatsapp_read_messages',
  'whatsapp_logout',
] as const;

/** Every tool served: the contract's and those its part 2 adds. */
export const ALL_TOOLS: readonly string[] = [
  ...CONTRACT_TOOLS,
  'whatsapp_wait_for_messages',
  'whatsapp_search_messages',
  'whatsapp_list_sessions',
  'whatsapp_download_media',
  'whatsapp_send_media',
];

export interface McpTestApp extends TestApp {
  /** `http://127.0.0.1:<port>/mcp` */
  url: string;
  registry: McpSessionRegistry;
}

/** The test app listening on a free loopback port, as MCP clients reach it. */
export async function startMcpApp(env: Record<string, string> = {}): Promise<McpTestApp> {
  const testApp = await createTestApp(env);
  await testApp.app.listen(0, '127.0.0.1');
  return { ...testApp, url: `${await testApp.app.getUrl()}/mcp`, registry: testApp.app.get(McpSessionRegistry) };
}

export async function connectClient(url: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'e2e', version: '0.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  return { client, transport };
}

/** The JSON an agent reads from a tool result (`content[0].text`). */
export function textJson(result: unknown): unknown {
  const content = (result as CallToolResult).content;
  const first = content[0];
  if (first?.type !== 'text') throw new Error(`content[0] is not text: ${JSON.stringify(content)}`);
  return JSON.parse(first.text);
}

export const INITIALIZE = (protocolVersion = '2024-11-05', id: number | string = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'curl-like', version: '1' } },
});

/** A POST as the original's plain clients sent it: JSON in, no Accept for text/event-stream. */
export function rawPost(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Resolves once `seen()` satisfies `done`; throws after `timeoutMs`, naming what it waited for and what it saw last. */
export async function until<T>(what: string, seen: () => T, done: (value: T) => boolean, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = seen();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last saw ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
