import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { type CallToolResult, type ContentBlock, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { AppError } from '../common/app-error.js';
import type { ErrorBody } from '../common/app-exception.filter.js';

const logger = new Logger('MCP');

const EXTRA_CONTENT = Symbol('extra MCP content');
type WithContent = { [EXTRA_CONTENT]?: ContentBlock[] };

/**
 * An answer that also carries content blocks beyond its JSON text (an image, a link to a
 * resource); they follow the text, which stays `content[0]`. Held under a symbol, so neither the
 * structured content nor the text shows them.
 */
export function withContent<T extends object>(answer: T, content: ContentBlock[]): T {
  Object.defineProperty(answer, EXTRA_CONTENT, { value: content, enumerable: false });
  return answer;
}

/** A tool's answer: the REST answer as structured content, and the same JSON as text (where the original's clients read it). */
export function toolSuccess(answer: object): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(answer) }, ...((answer as WithContent)[EXTRA_CONTENT] ?? [])],
    structuredContent: answer as Record<string, unknown>,
  };
}

/**
 * The one mapping of our errors to MCP: every failure of a tool is an `isError` result whose text is
 * the REST error body, so an agent sees the same code and message as a REST client.
 *
 * No `structuredContent` here: the SDK's Client (1.32, `callTool`) validates structuredContent
 * against the tool's outputSchema even when `isError` is set, so an error body there would be
 * refused unless every outputSchema also admitted error bodies, which would blur the schema.
 * An unexpected error is a bug: it is logged with an id and the agent gets the id, never the stack.
 */
export function toolError(error: unknown): CallToolResult {
  let body: ErrorBody;
  if (error instanceof AppError) {
    body = { ok: false, error: { code: error.code, message: error.message, ...error.details } };
  } else {
    const errorId = randomUUID();
    logger.error(`Unexpected error in an MCP tool (error id ${errorId})`, error instanceof Error ? error.stack : String(error));
    body = { ok: false, error: { code: 'internal', message: `Internal error (error id ${errorId})`, error_id: errorId } };
  }
  return { content: [{ type: 'text', text: JSON.stringify(body) }], isError: true };
}

/** The spec's JSON-RPC code for a resource that does not exist. */
export const RESOURCE_NOT_FOUND = -32002;
const NOT_FOUND_CODES = new Set<string>(['not_found', 'chat_not_found', 'message_not_found', 'no_media']);

/**
 * The one mapping of our errors to a failed resources/read, which has no `isError` result: a
 * JSON-RPC error whose data is the REST error body's `error`, so the code and message still reach the client.
 */
export function resourceError(error: unknown): McpError {
  if (error instanceof McpError) return error;
  if (error instanceof AppError) {
    const code =
      error.code === 'invalid_input'
        ? ErrorCode.InvalidParams
        : NOT_FOUND_CODES.has(error.code)
          ? RESOURCE_NOT_FOUND
          : error.code === 'forbidden'
            ? ErrorCode.InvalidRequest
            : ErrorCode.InternalError;
    return new McpError(code, error.message, { code: error.code, message: error.message, ...error.details });
  }
  const errorId = randomUUID();
  logger.error(`Unexpected error in an MCP resource (error id ${errorId})`, error instanceof Error ? error.stack : String(error));
  return new McpError(ErrorCode.InternalError, `Internal error (error id ${errorId})`, { code: 'internal', error_id: errorId });
}
