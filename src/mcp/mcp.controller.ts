import { Body, Controller, Delete, Get, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiMcpErrors } from '../openapi/api-errors.js';
import { McpHttpService } from './mcp-http.service.js';

const SPEC = 'https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#streamable-http';
const SESSION = { name: 'Mcp-Session-Id', description: 'The session id issued on initialize' };
const JSON_RPC = { schema: { type: 'object', description: 'JSON-RPC 2.0 message(s)' } };

/** MCP over Streamable HTTP. The SDK's transport writes every answer, hence `@Res()`. */
@ApiTags('mcp')
@Controller('mcp')
export class McpController {
  constructor(private readonly mcp: McpHttpService) {}

  @Post()
  @ApiOperation({
    summary: 'MCP: send JSON-RPC messages',
    description:
      `JSON-RPC 2.0 over Streamable HTTP (${SPEC}). \`initialize\` opens a session and answers its id in the ` +
      '`Mcp-Session-Id` header; later calls send it. A call without a session is answered on its own. ' +
      'Tools: whatsapp_status, whatsapp_start_auth, whatsapp_pairing_code, whatsapp_send_message, ' +
      'whatsapp_list_chats, whatsapp_read_messages, whatsapp_logout.',
  })
  @ApiHeader({ ...SESSION, required: false })
  @ApiBody({
    schema: {
      type: 'object',
      description: 'A JSON-RPC 2.0 request or notification, or a batch of them',
      example: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whatsapp_status', arguments: {} } },
    },
  })
  @ApiOkResponse({
    description: 'The JSON-RPC answer, as JSON or as an event stream (as the Accept header asks)',
    content: { 'application/json': JSON_RPC, 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiAcceptedResponse({ description: 'Notifications and responses only: accepted, no body' })
  @ApiMcpErrors(400, 401, 403, 404, 406, 413, 503)
  post(@Req() request: Request, @Res() response: Response, @Body() body: unknown) {
    return this.mcp.post(request, response, body);
  }

  @Get()
  @ApiOperation({ summary: "MCP: open the session's server-to-client event stream", description: SPEC })
  @ApiHeader({ ...SESSION, required: true })
  @ApiOkResponse({ description: 'Server-sent events', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiMcpErrors(400, 401, 403, 404, 406)
  stream(@Req() request: Request, @Res() response: Response) {
    return this.mcp.withSession(request, response);
  }

  @Delete()
  @ApiOperation({ summary: 'MCP: end the session', description: SPEC })
  @ApiHeader({ ...SESSION, required: true })
  @ApiOkResponse({ description: 'The session is closed' })
  @ApiMcpErrors(400, 401, 403, 404)
  end(@Req() request: Request, @Res() response: Response) {
    return this.mcp.withSession(request, response);
  }
}
