import { applyDecorators } from '@nestjs/common';
import type { ErrorCode } from '../common/app-error.js';
import { HTTP_STATUS } from '../common/app-exception.filter.js';
import { PHONE_RULE } from '../common/input-rules.js';
import { ErrorBodyShape } from '../common/error-body.js';
import { shapeRef } from '../common/shapes.js';
import { ApiResponse } from './doc-decorators.js';

/** The refusal whatsapp/not-ready.ts gives while Chrome starts (a test keeps the two equal). */
export const NOT_READY_EXAMPLE = 'WhatsApp Web is still starting (state starting); try again in a few seconds.';

/** One example per code, with the texts the server really sends. */
const EXAMPLES: Record<ErrorCode, { summary: string; message: string; details?: Record<string, unknown> }> = {
  invalid_input: { summary: 'A rule of the input was broken, or the JSON body is malformed', message: PHONE_RULE },
  unauthorized: {
    summary: 'WHATSAPP_API_KEY is set and the request did not carry it',
    message: 'A valid API key is required: send it as X-Api-Key: <key> or Authorization: Bearer <key>.',
  },
  forbidden: {
    summary: 'A key without the scope or session the route needs, a browser Origin not in WHATSAPP_ALLOWED_ORIGINS, or a Host not allowed',
    message: 'Origin https://evil.example is not allowed; list it in WHATSAPP_ALLOWED_ORIGINS to call this API from a browser.',
  },
  not_found: { summary: 'Unknown route', message: 'Cannot GET /nope' },
  not_on_whatsapp: {
    summary: 'The number has no WhatsApp; nothing was sent',
    message: '15551234567 is not on WhatsApp; nothing was sent.',
  },
  chat_not_found: { summary: 'There is no chat with that number', message: 'There is no chat with 15551234567.' },
  message_not_found: {
    summary: 'The store holds no message with that id',
    message: 'No stored message has the id true_15551234567@c.us_3EB0C767D26A1B2C3D4E.',
  },
  session_not_found: {
    summary: 'There is no session with that name',
    message: 'There is no session "sales": create it with POST /api/sessions.',
  },
  session_exists: { summary: 'A session with that name exists already', message: 'The session "sales" exists already.' },
  too_many_sessions: {
    summary: 'WHATSAPP_MAX_SESSIONS sessions exist already',
    message: 'This server holds at most 10 sessions (WHATSAPP_MAX_SESSIONS); delete one first.',
  },
  no_media: {
    summary: 'The message has no file, or WhatsApp no longer has it',
    message: 'The message true_15551234567@c.us_3EB0C767D26A1B2C3D4E has no media to download.',
  },
  store_disabled: {
    summary: 'The message store is off (WHATSAPP_STORE=off)',
    message:
      'The message store is off (WHATSAPP_STORE=off): nothing is stored to search or read. Set WHATSAPP_STORE=sqlite to keep messages.',
  },
  not_ready: {
    summary: 'The client is not ready and cannot become ready by itself',
    message: NOT_READY_EXAMPLE,
    details: { state: 'starting' },
  },
  payload_too_large: { summary: 'The body is over 1 MiB', message: 'Request body is larger than 1 MiB' },
  url_not_allowed: {
    summary: 'A media URL that may not be fetched (scheme, address, redirects)',
    message: 'The media URL is not allowed: http://169.254.169.254/latest resolves to 169.254.169.254, a link-local address.',
  },
  rate_limited: {
    summary: 'A sending or pairing limit; wait Retry-After seconds',
    message: 'Too many requests: at most 6 messages to one recipient per minute. Try again in 42 s.',
    details: { retry_after: 42 },
  },
  webhook_read_only: {
    summary: 'The webhook comes from the environment; change it there',
    message: 'The webhook "env" comes from WHATSAPP_WEBHOOK_URL: unset it to remove the webhook.',
  },
  delivery_not_failed: {
    summary: 'Only a failed delivery can be retried',
    message: 'Delivery dlv_01JDXYZ is pending; only a failed delivery can be retried.',
  },
  idempotency_mismatch: {
    summary: 'The Idempotency-Key was used before with another body',
    message: 'This Idempotency-Key was already used with a different request body; use a new key for a new request.',
  },
  idempotency_in_progress: {
    summary: 'The first request with this Idempotency-Key has not finished',
    message: 'A request with this Idempotency-Key is still in progress; retry once it has finished.',
  },
  outbox_not_cancellable: {
    summary: 'Only a queued outbox item can be cancelled',
    message: 'Outbox item 01J9ZQ3V7W4X8Y2K5M6N0P1R3S is sent; only a queued item can be cancelled.',
    details: { state: 'sent' },
  },
  whatsapp_error: {
    summary: 'WhatsApp Web failed during the operation',
    message: 'WhatsApp Web failed to send the message: Evaluation failed: Error: Request timed out',
  },
  start_failed: {
    summary: 'WhatsApp Web could not be started',
    message: 'Could not start WhatsApp Web: net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/',
    details: { state: 'stopped' },
  },
  browser_unavailable: {
    summary: 'No Chrome or Chromium found',
    message:
      'No Chrome or Chromium found (tried: /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome). ' +
      'Install Chromium or set WHATSAPP_CHROME_EXECUTABLE to its path.',
  },
  internal: {
    summary: 'A bug: the request id is in the server log',
    message: 'Internal error (request id 6f1c2a7e-3b9d-4c55-9a0e-2d8f1b7c4e10)',
    details: { request_id: '6f1c2a7e-3b9d-4c55-9a0e-2d8f1b7c4e10' },
  },
};

const HEADERS: Partial<Record<number, Record<string, { description: string; schema: { type: 'string' | 'integer' } }>>> = {
  401: { 'WWW-Authenticate': { description: 'Always `Bearer`', schema: { type: 'string' } } },
  429: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
};

/**
 * The error answers a route can really give, as `{ ok: false, error: { code, message } }` with one
 * example per code, grouped by the status HTTP_STATUS maps each code to. Every route can be refused
 * by the Host and Origin checks (403) and can hit a bug (500); ApiErrors adds the key check (401).
 */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator {
  return errorResponses(['unauthorized', ...codes]);
}

/** For the routes that answer without the key (liveness, readiness). */
export function ApiOpenRouteErrors(...codes: ErrorCode[]): MethodDecorator {
  return errorResponses(codes);
}

function errorResponses(codes: ErrorCode[]): MethodDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set<ErrorCode>([...codes, 'forbidden', 'internal'])) {
    const status = HTTP_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses = [...byStatus]
    .sort(([a], [b]) => a - b)
    .map(([status, statusCodes]) =>
      ApiResponse({
        status,
        description: statusCodes.map((code) => `\`${code}\`: ${EXAMPLES[code].summary}`).join('; '),
        schema: shapeRef(ErrorBodyShape),
        headers: HEADERS[status],
        examples: Object.fromEntries(
          statusCodes.map((code) => {
            const { summary, message, details } = EXAMPLES[code];
            return [code, { summary, value: { ok: false, error: { code, message, ...details } } }];
          }),
        ),
      }),
    );
  return applyDecorators(...responses);
}

/** Routes that read a body: a malformed one is `invalid_input`, an oversized one `payload_too_large`. */
export const BODY_ERRORS: ErrorCode[] = ['invalid_input', 'payload_too_large'];
