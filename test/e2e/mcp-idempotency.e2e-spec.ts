import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectClient, type McpTestApp, startMcpApp, textJson } from '../mcp-harness.js';

/* `idempotency_key` on whatsapp_send_message: the REST header's rules, through the same service. */

let t: McpTestApp;
let client: Client;

beforeEach(async () => {
  t = await startMcpApp();
  ({ client } = await connectClient(t.url));
  await client.listTools();
  await t.pair();
});

afterEach(async () => {
  await client.close();
  await t.app.close();
});

const ARGS = { phone_number: '+1 555 123 4567', message: 'Payment reminder' };
const SENT = {
  ok: true,
  to: '15551234567',
  chat_id: '15551234567@c.us',
  message_id: 'true_15551234567@c.us_SENT1',
  timestamp: new Date(1_700_000_500 * 1000).toISOString(),
};

async function send(args: Record<string, unknown>) {
  const result = await client.callTool({ name: 'whatsapp_send_message', arguments: args });
  return { isError: result.isError === true, json: textJson(result) };
}

describe('whatsapp_send_message with idempotency_key', () => {
  it('two calls with one key send once; the second answers the first result', async () => {
    const first = await send({ ...ARGS, idempotency_key: 'reminder-42' });
    const second = await send({ ...ARGS, idempotency_key: 'reminder-42' });
    expect(first).toEqual({ isError: false, json: SENT });
    expect(second).toEqual({ isError: false, json: SENT });
    expect(t.fake.sent).toEqual([{ chatId: '15551234567@c.us', text: 'Payment reminder' }]);
  });

  it('concurrent calls with one key send once: the rest replay it or are told it is in progress', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => send({ ...ARGS, idempotency_key: 'burst' })));
    expect(t.fake.sent).toHaveLength(1);
    for (const answer of answers) {
      if (!answer.isError) expect(answer.json).toEqual(SENT);
      else {
        expect(answer.json).toEqual({
          ok: false,
          error: {
            code: 'idempotency_in_progress',
            message: 'A request with this Idempotency-Key is still in progress; retry once it has finished.',
          },
        });
      }
    }
    expect(answers.filter((answer) => !answer.isError).length).toBeGreaterThanOrEqual(1);
  });

  it('the same key with another message is idempotency_mismatch, and nothing more is sent', async () => {
    await send({ ...ARGS, idempotency_key: 'k1' });
    await expect(send({ ...ARGS, message: 'Another text', idempotency_key: 'k1' })).resolves.toEqual({
      isError: true,
      json: {
        ok: false,
        error: {
          code: 'idempotency_mismatch',
          message: 'This Idempotency-Key was already used with a different request body; use a new key for a new request.',
        },
      },
    });
    expect(t.fake.sent).toHaveLength(1);
  });

  it('the key is part of the request: another spelling of the number is the same request', async () => {
    await send({ ...ARGS, idempotency_key: 'k2' });
    await expect(send({ ...ARGS, phone_number: '15551234567', idempotency_key: 'k2' })).resolves.toEqual({ isError: false, json: SENT });
    expect(t.fake.sent).toHaveLength(1);
  });

  it('without a key every call sends', async () => {
    await send(ARGS);
    await send(ARGS);
    expect(t.fake.sent).toHaveLength(2);
  });

  it.each([[''], ['has space'], ['x'.repeat(256)], [42], [null]])('refuses the key %p with invalid_input, sending nothing', async (key) => {
    await expect(send({ ...ARGS, idempotency_key: key })).resolves.toEqual({
      isError: true,
      json: {
        ok: false,
        error: { code: 'invalid_input', message: 'idempotency_key must be 1 to 255 visible ASCII characters (no spaces)' },
      },
    });
    expect(t.fake.sent).toEqual([]);
  });
});
