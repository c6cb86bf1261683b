import { Injectable } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { SERVICE_NAME, SERVICE_VERSION } from '../common/service.js';
import { assertMayReadResources, callerGrant, resourceRefusal } from './mcp-access.js';
import { McpResources } from './mcp-resources.js';
import { McpTools } from './mcp-tools.js';

/**
 * Builds one MCP server per connection (an HTTP session, a one-shot HTTP request, or stdio): since
 * SDK 1.26 a server serves a single transport.
 *
 * The SDK's low-level `Server` rather than `McpServer.registerTool`: McpServer validates arguments
 * with zod before our handler runs and answers a refusal with its own text ("Input validation
 * error: ..."). Here the advertised schemas are derived from the REST DTOs and the answer shapes
 * (see mcp-tools.ts), and the only validation is the REST DTOs', so
 * `invalid_input` and the original texts reach the agent unchanged. Protocol, negotiation and
 * transports remain the SDK's.
 */
@Injectable()
export class McpServerFactory {
  constructor(
    private readonly tools: McpTools,
    private readonly resources: McpResources,
  ) {}

  create(): Server {
    const server = new Server(
      { name: SERVICE_NAME, title: 'WhatsApp (linked device)', version: SERVICE_VERSION },
      { capabilities: { tools: {}, resources: { subscribe: true } }, instructions: this.tools.instructions() },
    );
    server.setRequestHandler(ListToolsRequestSchema, (_request, extra) => ({ tools: this.tools.list(callerGrant(extra.authInfo)) }));
    server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
      this.tools.call(request.params.name, request.params.arguments, extra.signal, callerGrant(extra.authInfo)),
    );
    // Resources are reached through their templates: there is no fixed list to give.
    server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: [] }));
    server.setRequestHandler(ListResourceTemplatesRequestSchema, (_request, extra) => ({
      resourceTemplates: resourceRefusal(extra.authInfo) ? [] : this.resources.templates,
    }));
    // Each resource is checked against the session its URI names (a chat's: `default`).
    server.setRequestHandler(ReadResourceRequestSchema, (request, extra) => {
      return this.resources.read(request.params.uri, (session) => assertMayReadResources(extra.authInfo, session));
    });
    server.setRequestHandler(SubscribeRequestSchema, (request, extra) => {
      assertMayReadResources(extra.authInfo);
      this.resources.subscribe(server, request.params.uri);
      return {};
    });
    server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
      this.resources.unsubscribe(server, request.params.uri);
      return {};
    });
    this.resources.attach(server);
    server.onclose = () => this.resources.detach(server);
    return server;
  }
}
