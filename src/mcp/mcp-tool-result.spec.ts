import { Logger } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { toolError, toolSuccess } from './mcp-tool-result.js';

Logger.overrideLogger(false);

const text = (result: { content: unknown[] }) => JSON.parse((result.content[0] as { text: string }).text);

describe('MCP tool results', () => {
  it('an answer is structured content and the same JSON as text', () => {
    const result = toolSuccess({ ok: true, count: 0, chats: [] });
    expect(result).toEqual({
      content: [{ type: 'text', text: '{"ok":true,"count":0,"chats":[]}' }],
      structuredContent: { ok: true, count: 0, chats: [] },
    });
  });

  it('an AppError becomes isError with the REST error body, details included', () => {
    const result = toolError(new AppError('not_ready', 'WhatsApp is not linked', { state: 'qr' }));
    expect(result.isError).toBe(true);
    expect(result).not.toHaveProperty('structuredContent');
    expect(text(result)).toEqual({ ok: false, error: { code: 'not_ready', message: 'WhatsApp is not linked', state: 'qr' } });
  });

  it('anything else is `internal` with an id to find it in the logs, never the stack or message', () => {
    const result = toolError(new Error('secret detail at /home/me/.wwebjs_auth'));
    const body = text(result);
    expect(result.isError).toBe(true);
    expect(body).toEqual({
      ok: false,
      error: {
        code: 'internal',
        message: `Internal error (error id ${body.error.error_id})`,
        error_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    });
    expect(JSON.stringify(result)).not.toContain('secret');
  });
});
