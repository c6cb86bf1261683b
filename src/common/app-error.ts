import { describeError } from './describe-error.js';

/**
 * The one vocabulary of domain errors. REST maps codes to HTTP statuses in AppExceptionFilter;
 * MCP maps them to `isError` tool results. Messages are written for the person or agent reading them.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'not_on_whatsapp'
  | 'chat_not_found'
  | 'message_not_found'
  | 'no_media'
  | 'store_disabled'
  | 'not_ready'
  | 'start_failed'
  | 'whatsapp_error'
  | 'browser_unavailable'
  | 'payload_too_large'
  | 'url_not_allowed'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'webhook_read_only'
  | 'delivery_not_failed'
  | 'idempotency_mismatch'
  | 'idempotency_in_progress'
  | 'outbox_not_cancellable'
  | 'session_not_found'
  | 'session_exists'
  | 'too_many_sessions'
  | 'internal';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra fields for the error body (e.g. the current state); never request data. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/**
 * For `.catch()` on library calls: a failure inside WhatsApp Web is WhatsApp's, not a bug of ours,
 * so it becomes `whatsapp_error` (502) naming what we tried; our own AppErrors pass through.
 */
export function whatsappFailure(action: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof AppError) throw error;
    throw new AppError('whatsapp_error', `WhatsApp Web failed to ${action}: ${describeError(error)}`);
  };
}

/**
 * A failure after a message was handed to WhatsApp: it may or may not have gone out. The answer is
 * the wrapped error's own (same code, text and details); the type tells idempotency keys and queues
 * never to send it again by themselves.
 */
export class PossiblySentError extends AppError {
  constructor(error: AppError) {
    super(error.code, error.message, error.details);
    this.name = 'PossiblySentError';
  }
}

export const invalidInput = (message: string): AppError => new AppError('invalid_input', message);
