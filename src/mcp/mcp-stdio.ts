import type { INestApplicationContext } from '@nestjs/common';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { McpServerFactory } from './mcp-server.factory.js';

/**
 * Serves the tools over stdin/stdout for desktop clients that launch a command. When the client
 * goes away (stdin ends) the application closes, which closes Chrome.
 */
export async function serveStdio(app: INestApplicationContext): Promise<void> {
  const server = app.get(McpServerFactory).create();
  process.stdin.once('end', () => void app.close());
  await server.connect(new StdioServerTransport());
}
