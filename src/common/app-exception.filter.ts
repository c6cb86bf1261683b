import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, type ErrorCode } from './app-error.js';
import { requestIdOf } from './request-id.js';

/** The one mapping of error codes to HTTP statuses. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  url_not_allowed: 400,
  not_found: 404,
  not_on_whatsapp: 404,
  chat_not_found: 404,
  message_not_found: 404,
  no_media: 404,
  not_ready: 409,
  store_disabled: 409,
  webhook_read_only: 409,
  delivery_not_failed: 409,
  idempotency_in_progress: 409,
  outbox_not_cancellable: 409,
  session_not_found: 404,
  session_exists: 409,
  too_many_sessions: 409,
  idempotency_mismatch: 422,
  payload_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  internal: 500,
  whatsapp_error: 502,
  start_failed: 503,
  browser_unavailable: 503,
};

const CODE_FOR_STATUS: Record<number, ErrorCode> = { 400: 'invalid_input', 404: 'not_found', 413: 'payload_too_large' };

export interface ErrorBody {
  ok: false;
  error: { code: string; message: string; [detail: string]: unknown };
}

/** Errors raised by the JSON body parser before any route runs (Nest wraps them as the cause). */
interface BodyParserError {
  type: string;
  status: number;
  message: string;
  /** The size limit in bytes, on `entity.too.large`. */
  limit?: number;
}

const size = (bytes: number): string => (bytes % 1_048_576 === 0 ? `${bytes / 1_048_576} MiB` : `${bytes / 1024} KiB`);

const isBodyParserError = (error: unknown): error is BodyParserError =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as BodyParserError).type === 'string' &&
  typeof (error as BodyParserError).status === 'number';

const isParseFailure = (exception: unknown): boolean => {
  const cause = exception instanceof HttpException ? exception.cause : exception;
  return isBodyParserError(cause) && cause.type === 'entity.parse.failed';
};

const isMcpPath = (path: string): boolean => path === '/mcp' || path === '/mcp/';

/**
 * MCP clients read JSON-RPC, also when the request failed before reaching the MCP controller
 * (malformed JSON, body too large): same status, the error as a JSON-RPC error (-32700 for a body
 * that is not JSON, as the spec says; -32000 otherwise, as the SDK's transport answers).
 */
function toJsonRpcError({ error }: ErrorBody, parseFailed: boolean): object {
  return {
    jsonrpc: '2.0',
    error: { code: parseFailed ? -32700 : -32000, message: parseFailed ? `Parse error: ${error.message}` : error.message },
    id: null,
  };
}

/**
 * Every failure leaves as `{ ok: false, error: { code, message, ... } }`. Bad input is never a 500;
 * a 500 is a bug: it is logged with the request id, and the client gets the id, not the stack.
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toHttp(exception, request);
    if (response.headersSent) return;
    if (status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    if (typeof body.error.retry_after === 'number') response.setHeader('Retry-After', String(body.error.retry_after));
    response
      .status(status)
      .type('application/json')
      .json(isMcpPath(request.path) ? toJsonRpcError(body, isParseFailure(exception)) : body);
  }

  private toHttp(exception: unknown, request: Request): { status: number; body: ErrorBody } {
    const answer = (status: number, code: string, message: string, details?: Record<string, unknown>) => ({
      status,
      body: { ok: false as const, error: { code, message, ...details } },
    });
    if (exception instanceof AppError) {
      return answer(HTTP_STATUS[exception.code], exception.code, exception.message, exception.details);
    }
    const cause = exception instanceof HttpException ? exception.cause : exception;
    if (isBodyParserError(cause) && cause.status < 500) {
      if (cause.type === 'entity.too.large') {
        return answer(413, 'payload_too_large', `Request body is larger than ${size(cause.limit ?? 1_048_576)}`);
      }
      // The parser's own message quotes the body: never echo it.
      if (cause.type === 'entity.parse.failed') return answer(400, 'invalid_input', 'Malformed JSON body');
      return answer(cause.status, 'invalid_input', `Unreadable request body: ${cause.message}`);
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      const message = status === 404 ? `Cannot ${request.method} ${request.path}` : exception.message;
      return answer(status, CODE_FOR_STATUS[status] ?? 'http_error', message);
    }
    const requestId = requestIdOf(request);
    this.logger.error(
      `Unexpected error on ${request.method} ${request.path} (request ${requestId})`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return answer(500, 'internal', `Internal error (request id ${requestId})`, { request_id: requestId });
  }
}
