import { Test } from '@nestjs/testing';
import { DiscoveryModule } from '@nestjs/core';
import { AuthService } from '../../src/auth/auth.service.js';
import { AuthTools } from '../../src/auth/auth.tools.js';
import { IdempotencyService } from '../../src/idempotency/idempotency.service.js';
import { MessagingService } from '../../src/messaging/messaging.service.js';
import { MessagingTools } from '../../src/messaging/messaging.tools.js';
import { McpTools } from '../../src/mcp/mcp-tools.js';
import { WhatsAppService } from '../../src/whatsapp/whatsapp.service.js';
import { OPEN_ACCESS } from '../../src/security/access.js';

/** Every place in a schema that writes `type` as an array, as a path. */
function typeArrays(node: unknown, at: string): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => typeArrays(item, `${at}[${i}]`));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'type' && Array.isArray(value) ? [`${at}.type`] : typeArrays(value, `${at}.${key}`),
  );
}

describe('McpTools (discovered from the feature modules)', () => {
  let tools: McpTools;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      providers: [
        McpTools,
        AuthTools,
        MessagingTools,
        { provide: AuthService, useValue: {} },
        { provide: MessagingService, useValue: {} },
        { provide: IdempotencyService, useValue: {} },
        { provide: WhatsAppService, useValue: {} },
      ],
    }).compile();
    tools = moduleRef.get(McpTools);
  });

  it('finds the seven tools, in the order of the linking flow', () => {
    expect(tools.list(OPEN_ACCESS).map((tool) => tool.name)).toEqual([
      'whatsapp_status',
      'whatsapp_start_auth',
      'whatsapp_pairing_code',
      'whatsapp_send_message',
      'whatsapp_list_chats',
      'whatsapp_read_messages',
      'whatsapp_logout',
    ]);
  });

  it('writes no `type` as an array in any schema (portable to single-type dialects)', () => {
    const found = tools
      .list(OPEN_ACCESS)
      .flatMap((tool) => typeArrays({ inputSchema: tool.inputSchema, outputSchema: tool.outputSchema }, tool.name));
    expect(found).toEqual([]);
    // The check sees one when there is one.
    expect(typeArrays({ properties: { a: { type: ['string', 'null'] } } }, 'x')).toEqual(['x.properties.a.type']);
  });

  it('takes its instructions from the modules and names tools that exist', () => {
    const names = new Set(tools.list(OPEN_ACCESS).map((tool) => tool.name));
    const mentioned = tools.instructions().match(/whatsapp_[a-z_]+/g) ?? [];
    expect(mentioned.length).toBeGreaterThan(3);
    expect(mentioned.filter((name) => !names.has(name))).toEqual([]);
  });
});
