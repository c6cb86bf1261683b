import { applyDecorators, Body, Controller, Delete, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiAcceptedResponse, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '../openapi/doc-decorators.js';
import { shapeRef } from '../common/shapes.js';
import { JsonRpcErrorShape } from './mcp.answers.js';
import { McpHttpService } from './mcp-http.service.js';
import { AnyKey } from '../security/require-scope.decorator.js';

const SPEC = 'https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#streamable-http';
const SESSION = { name: 'Mcp-Session-Id', description: 'The session id issued on initialize' };
const JSON_RPC = { schema: { type: 'object', description: 'JSON-RPC 2.0 message(s)' } };

const MCP_ERRORS: Record<number, string> = {
  400: 'Not a valid JSON-RPC message, or (GET, DELETE) no Mcp-Session-Id',
  401: 'WHATSAPP_API_KEY is set and the request did not carry it',
  403: 'A browser Origin or a Host that is not allowed',
  404: 'Unknown or expired session: send initialize without a session id to open a new one',
  406: 'The Accept header admits neither JSON nor an event stream',
  413: 'The body is over 1 MiB',
  503: 'Every MCP session is in use',
};

/** /mcp refuses as JSON-RPC: `{ jsonrpc: "2.0", error: { code, message }, id }` */
const ApiMcpErrors = (...statuses: number[]): MethodDecorator =>
  applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: MCP_ERRORS[status], schema: shapeRef(JsonRpcErrorShape) })),
  );

/** MCP over Streamable HTTP. The SDK's transport writes every answer, hence `@Res()`. */
@ApiTags('mcp')
@AnyKey()
@Controller('mcp')
export class McpController {
  constructor(private readonly mcp: McpHttpService) {}

  @Post()
  @ApiOperation({
    summary: 'MCP: send JSON-RPC messages',
    description:
      `JSON-RPC 2.0 over Streamable HTTP (${SPEC}). \`initialize\` opens a session and answers its id in the ` +
      '`Mcp-Session-Id` header; later calls send it. A call without a session is answered on its own. ' +
      'The tools are listed by `tools/list`.',
  })
  @ApiHeader({ ...SESSION, required: false })
  @ApiBody({
    schema: {
      type: 'object',
      description: 'A JSON-RPC 2.0 request or notification, or a batch of them',
      example: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} },
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
