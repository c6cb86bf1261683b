import { Logger } from '@nestjs/common';
import { type DiscoveryService, MetadataScanner } from '@nestjs/core';
import { loadAppConfig } from '../config/app-config.js';
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
    await expect(registry.open(false)).resolves.toMatchObject({ id: expect.any(String), jsonResponse: false });
    await expect(registry.open(true)).resolves.toMatchObject({ jsonResponse: true });
    await expect(registry.open(false)).resolves.toBeNull();
    expect(registry.size).toBe(2);
  });

  it('at the cap, sweeps idle sessions before refusing', async () => {
    const { registry, at } = setup({ WHATSAPP_MCP_MAX_SESSIONS: '1', WHATSAPP_MCP_SESSION_IDLE_MS: '100' });
    const first = await registry.open(false);
    at(100);
    const second = await registry.open(false);
    expect(second).not.toBeNull();
    expect(registry.use(first!.id)).toBeUndefined();
    expect(registry.size).toBe(1);
  });

  it('expires a session idle for the idle time, counting from its last use, and says so', async () => {
    const { registry, at } = setup({ WHATSAPP_MCP_SESSION_IDLE_MS: '100' });
    const session = (await registry.open(false))!;
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
    const session = (await registry.open(false))!;
    await registry.abandon(session);
    expect(registry.size).toBe(0);
  });

  it('closes every session on shutdown and stops sweeping', async () => {
    const { registry } = setup();
    registry.onApplicationBootstrap();
    await Promise.all([registry.open(false), registry.open(true), registry.open(false)]);
    const closed: string[] = [];
    registry.events.on('closed', (id) => closed.push(id));
    await registry.beforeApplicationShutdown();
    expect(closed).toHaveLength(3);
    expect(registry.size).toBe(0);
  });
});
