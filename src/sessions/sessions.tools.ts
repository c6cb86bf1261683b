import { Injectable } from '@nestjs/common';
import { McpTool } from '../mcp/mcp-tool.decorator.js';
import { SessionsAnswerShape } from './sessions.answers.js';
import { SessionsService } from './sessions.service.js';

@Injectable()
export class SessionsTools {
  constructor(private readonly sessions: SessionsService) {}

  @McpTool({
    name: 'whatsapp_list_sessions',
    title: 'List the WhatsApp accounts',
    description:
      'Lists the sessions (linked WhatsApp accounts) of this server with their status. Every other tool takes an ' +
      'optional `session` argument naming the account to act on (default: `default`).',
    output: SessionsAnswerShape,
    annotations: { title: 'List sessions', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    order: 0.5,
    serverWide: true,
    scope: 'admin',
  })
  list() {
    return this.sessions.list();
  }
}
