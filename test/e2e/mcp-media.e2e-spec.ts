import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OGG_OPUS, PNG, sha256 } from '../media-fixtures.js';
import { connectClient, type McpTestApp, startMcpApp, textJson } from '../mcp-harness.js';

/* whatsapp_send_media: the REST route's service, rules and guard, through MCP. */

let t: McpTestApp;
let client: Client;

beforeEach(async () => {
  t = await startMcpApp();
  ({ client } = await connectClient(t.url));
  await t.pair();
});

afterEach(async () => {
  await client.close();
  await t.app.close();
});

async function sendMedia(args: Record<string, unknown>) {
  const result = await client.callTool({ name: 'whatsapp_send_media', arguments: args });
  return { isError: result.isError === true, json: textJson(result) };
}

describe('whatsapp_send_media', () => {
  it('sends base64 data typed from its bytes; a repeat with the key sends nothing more', async () => {
    const args = {
      phone_number: '+1 555 123 4567',
      data: OGG_OPUS.toString('base64'),
      mimetype: 'audio/ogg',
      as_voice: true,
      idempotency_key: 'v-1',
    };
    const first = await sendMedia(args);
    const again = await sendMedia(args);
    expect(first).toEqual({
      isError: false,
      json: expect.objectContaining({ ok: true, to: '15551234567', message_id: 'true_15551234567@c.us_MEDIA1' }) as object,
    });
    expect(again).toEqual(first);
    expect(t.fake.sentMedia).toMatchObject([{ mimetype: 'audio/ogg; codecs=opus', sha256: sha256(OGG_OPUS), asVoice: true }]);
  });

  it('refuses a loopback URL before connecting, and names a missing source', async () => {
    const seen: string[] = [];
    const server: Server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.end(PNG);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/a.png`;
      const refused = await sendMedia({ phone_number: '15551234567', url });
      expect(refused.isError).toBe(true);
      expect(refused.json).toMatchObject({ ok: false, error: { code: 'url_not_allowed' } });
      expect(seen).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await sendMedia({ phone_number: '15551234567' })).toEqual({
      isError: true,
      json: { ok: false, error: { code: 'invalid_input', message: 'give either url, or data with mimetype' } },
    });
    expect(t.fake.sentMedia).toEqual([]);
  });
});
