import { existsSync, readFileSync } from 'node:fs';
import { tempDir } from '../temp-dirs.js';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ALL_TOOLS, textJson } from '../mcp-harness.js';

const MAIN = resolve('dist/main.js');

/**
 * The built server as a desktop client launches it (`node dist/main.js --stdio`), its stdout copied
 * to a file on the way (`tee`), so the test sees every byte the client saw.
 */
describe('MCP over stdio (the built server)', () => {
  const dir = tempDir('wa-stdio-');
  const stdoutCopy = join(dir, 'stdout.log');
  let stderr = '';
  let client: Client;
  let transport: StdioClientTransport;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
    transport = new StdioClientTransport({
      command: 'sh',
      args: ['-c', '"$NODE" "$MAIN" --stdio | tee "$STDOUT_COPY"'],
      env: {
        NODE: process.execPath,
        MAIN,
        STDOUT_COPY: stdoutCopy,
        WHATSAPP_AUTH_DIR: join(dir, 'auth'),
        WHATSAPP_DATA_DIR: join(dir, 'data'),
        WHATSAPP_TERMINAL_QR: 'false',
      },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'stdio-e2e', version: '0.0.0' });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client.close();
  });

  it('initializes with our name and lists the tools', async () => {
    expect(client.getServerVersion()).toMatchObject({ name: 'whatsapp-mcp-api', version: '1.0.0' });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([...ALL_TOOLS].sort());
  });

  it('serves the resource templates and takes subscriptions', async () => {
    expect(client.getServerCapabilities()).toMatchObject({ resources: { subscribe: true } });
    await expect(client.listResourceTemplates()).resolves.toMatchObject({
      resourceTemplates: [
        { uriTemplate: 'whatsapp://chats/{chat_id}/messages' },
        { uriTemplate: 'whatsapp://media/{session}/{message_id}' },
      ],
    });
    await expect(client.subscribeResource({ uri: 'whatsapp://chats/15551234567@c.us/messages' })).resolves.toEqual({});
  });

  it('calls whatsapp_status', async () => {
    const result = await client.callTool({ name: 'whatsapp_status', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(textJson(result)).toMatchObject({ state: 'stopped', ready: false, auth_dir: join(dir, 'auth'), account: null });
    expect(result.structuredContent).toEqual(textJson(result));
  });

  it('a failing whatsapp_list_chats answers not_ready at once', async () => {
    const result = await client.callTool({ name: 'whatsapp_list_chats', arguments: {} });
    expect(result.isError).toBe(true);
    expect(textJson(result)).toMatchObject({ ok: false, error: { code: 'not_ready', state: 'stopped' } });
  });

  it('stdout carried nothing but JSON-RPC; the logs went to stderr; the server exits when the client leaves', async () => {
    const started = Date.now();
    await client.close();
    // StdioClientTransport only signals after 2 s; an earlier end means stdin's end stopped the server.
    expect(Date.now() - started).toBeLessThan(2_000);

    const lines = readFileSync(stdoutCopy, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(stderr).toContain('MCP server on stdio');
  });
});
