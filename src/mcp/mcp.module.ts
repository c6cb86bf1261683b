import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { localhostHostValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import { AuthModule } from '../auth/auth.module.js';
import { AppConfig } from '../config/app-config.js';
import { MessagingModule } from '../messaging/messaging.module.js';
import { McpController } from './mcp.controller.js';
import { McpHttpService } from './mcp-http.service.js';
import { McpServerFactory } from './mcp-server.factory.js';
import { McpSessionRegistry } from './mcp-session.registry.js';
import { McpTools } from './mcp-tools.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

@Module({
  imports: [AuthModule, MessagingModule],
  controllers: [McpController],
  providers: [McpTools, McpServerFactory, McpSessionRegistry, McpHttpService],
  exports: [McpServerFactory],
})
export class McpModule implements NestModule {
  constructor(private readonly config: AppConfig) {}

  /**
   * DNS-rebinding protection (the SDK's middleware): bound to a loopback address, the server only
   * answers MCP requests addressed to a loopback name, so a web page cannot reach it through a
   * hostname of its own that resolves to 127.0.0.1.
   */
  configure(consumer: MiddlewareConsumer): void {
    if (LOOPBACK.has(this.config.host)) consumer.apply(localhostHostValidation()).forRoutes(McpController);
  }
}
