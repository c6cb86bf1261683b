import { Logger } from '@nestjs/common';
import { type DiscoveryService, MetadataScanner } from '@nestjs/core';
import { sha256 } from '../config/api-keys-file.js';
import { loadAppConfig } from '../config/app-config.js';
import { OPEN_ACCESS } from '../security/access.js';
import { McpResources } from './mcp-resources.js';
import { McpServerFactory } from './mcp-server.factory.js';
import { McpSessionRegistry } from './mcp-session.registry.js';
import type { WhatsAppService } from '../whatsapp/whatsapp.service.js';
import { McpTools } from './mcp-tools.js';

Logger.overrideLogger(false);

function setup(env: Record<string, string> = {}) {
  const config = loadAppConfig({ WHATSAPP_TERMINAL_QR: 'false', ...env });
  // No tool is called here: the registry only needs servers to exist, so there are none to discover.
  const discovery = { getProviders: () => [] } as unknown as DiscoveryService;
  const factory = new McpServerFactory(new McpTools(discovery, new MetadataScanner(), {} as WhatsAppService), new McpResources(discovery));
  const registry = new McpSessionRegistry(config, factory);
  let now = 0;
  registry.now = () => now;
  return { registry, at: (ms: number) => (now = ms) };
}

describe('McpSessionRegistry', () => {
  it('opens up to the cap, then refuses with null', async () => {
    const { registry } = setup({ WHATSAPP_MCP_MAX_SESSIONS: '2' });
    await expect(registry.open(false, OPEN_ACCESS)).resolves.toMatchObject({ id: expect.any(String), jsonResponse: false });
    await expect(registry.open(true, OPEN_ACCESS)).resolves.toMatchObject({ jsonResponse: true });
    await expect(registry.open(false, OPEN_ACCESS)).resolves.toBeNull();
    expect(registry.size).toBe(2);
  });

  it('at the cap, sweeps idle sessions before refusing', async () => {
    const { registry, at } = setup({ WHATSAPP_MCP_MAX_SESSIONS: '1', WHATSAPP_MCP_SESSION_IDLE_MS: '100' });
    const first = await registry.open(false, OPEN_ACCESS);
    at(100);
    const second = await registry.open(false, OPEN_ACCESS);
    expect(second).not.toBeNull();
    expect(registry.use(first!.id)).toBeUndefined();
    expect(registry.size).toBe(1);
  });

  it('expires a session idle for the idle time, counting from its last use, and says so', async () => {
    const { registry, at } = setup({ WHATSAPP_MCP_SESSION_IDLE_MS: '100' });
    const session = (await registry.open(false, OPEN_ACCESS))!;
    const expired: string[] = [];
    registry.events.on('expired', (id) => expired.push(id));
    at(60);
    registry.use(session.id);
    at(159);
    await expect(registry.sweep()).resolves.toBe(0);
    at(160);
    await expect(registry.sweep()).resolves.toBe(1);
    expect(expired).toEqual([session.id]);
    expect(registry.size).toBe(0);
  });

  it('abandons a session whose initialize never reached the transport', async () => {
    const { registry } = setup();
    const session = (await registry.open(false, OPEN_ACCESS))!;
    await registry.abandon(session);
    expect(registry.size).toBe(0);
  });

  it('closes every session on shutdown and stops sweeping', async () => {
    const { registry } = setup();
    registry.onApplicationBootstrap();
    await Promise.all([registry.open(false, OPEN_ACCESS), registry.open(true, OPEN_ACCESS), registry.open(false, OPEN_ACCESS)]);
    const closed: string[] = [];
    registry.events.on('closed', (id) => closed.push(id));
    await registry.beforeApplicationShutdown();
    expect(closed).toHaveLength(3);
    expect(registry.size).toBe(0);
  });

  it('after a keys reload, closes the sessions whose key was removed or narrowed, and keeps the others', async () => {
    const { registry } = setup();
    const entry = (name: string, scopes: ('read' | 'send' | 'admin')[], sessions: string[]) => ({
      name,
      digest: sha256(`${name}-key`),
      scopes,
      sessions,
    });
    const before = [entry('gone', ['read'], ['*']), entry('scope', ['read', 'send'], ['*']), entry('session', ['read'], ['a', 'b'])];
    const kept = [entry('same', ['read'], ['a']), entry('wider', ['read'], ['a'])];
    const opened = await Promise.all([...before, ...kept].map((grant) => registry.open(false, grant)));
    const open = await registry.open(false, OPEN_ACCESS);
    const closed: string[] = [];
    registry.events.on('closed', (id) => closed.push(id));
    await registry.revoke({
      keys: [
        entry('scope', ['read'], ['*']),
        entry('session', ['read'], ['a']),
        entry('same', ['read'], ['a']),
        entry('wider', ['read', 'send'], ['*']),
      ],
    });
    expect(new Set(closed)).toEqual(new Set(opened.slice(0, 3).map((session) => session!.id)));
    for (const session of [...opened.slice(3), open]) expect(registry.use(session!.id)).toBe(session);
    expect(registry.size).toBe(3);
  });
});
