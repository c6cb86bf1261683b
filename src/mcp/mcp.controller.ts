import { Body, Controller, Delete, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { McpHttpService } from './mcp-http.service.js';

/** MCP over Streamable HTTP. The SDK's transport writes every answer, hence `@Res()`. */
@Controller('mcp')
export class McpController {
  constructor(private readonly mcp: McpHttpService) {}

  @Post()
  post(@Req() request: Request, @Res() response: Response, @Body() body: unknown) {
    return this.mcp.post(request, response, body);
  }

  @Get()
  stream(@Req() request: Request, @Res() response: Response) {
    return this.mcp.withSession(request, response);
  }

  @Delete()
  end(@Req() request: Request, @Res() response: Response) {
    return this.mcp.withSession(request, response);
  }
}
