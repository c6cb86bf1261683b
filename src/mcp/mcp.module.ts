import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MetricsService } from '../metrics/metrics.service.js';
import { WhatsAppModule } from '../whatsapp/whatsapp.module.js';
import { McpController } from './mcp.controller.js';
import { McpHttpService } from './mcp-http.service.js';
import { McpServerFactory } from './mcp-server.factory.js';
import { McpResources } from './mcp-resources.js';
import { McpSessionRegistry } from './mcp-session.registry.js';
import { McpTools } from './mcp-tools.js';

@Module({
  imports: [DiscoveryModule, WhatsAppModule],
  controllers: [McpController],
  providers: [McpTools, McpResources, McpServerFactory, McpSessionRegistry, McpHttpService],
  exports: [McpServerFactory],
})
export class McpModule {
  constructor(metrics: MetricsService, registry: McpSessionRegistry) {
    metrics.gauge('mcp_sessions_open', 'Open MCP sessions over HTTP.', () => registry.size);
  }
}
