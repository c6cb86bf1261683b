import { AppError } from '../common/app-error.js';
import { CURSOR_RULE, decodeCursor, toFtsQuery } from './search-query.js';

/** The search inputs' rules as plain functions, for the DTO decorators (REST) and MCP alike. */

export const FROM_ME_RULE = 'from_me must be true or false';
export const timeRule = (name: string): string => `${name} must be a Unix time in seconds or an ISO 8601 date`;
export const CHAT_ID_RULE = 'chat_id must be a WhatsApp chat id such as 15551234567@c.us or 120363000000000000@g.us';
export const ONE_CHAT_RULE = 'give phone_number or chat_id, not both';
export const RANGE_RULE = 'after must be earlier than before';
export const MESSAGE_ID_RULE = 'before must be a message id';
export const SEARCH_LIMIT = { max: 100, fallback: 20 } as const;
export const HISTORY_LIMIT = { max: 100, fallback: 20 } as const;

/** `true`/`false` from JSON or a query string; null for anything else. */
export function fromMeValue(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  return value === 'true' ? true : value === 'false' ? false : null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Unix seconds from a number, a string of digits or an ISO 8601 date; null when it is none of them. */
export function timeValue(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  if (/^\d{1,12}$/.test(value)) return Number(value);
  const ms = ISO_DATE.test(value) ? Date.parse(value) : NaN;
  return Number.isFinite(ms) && ms >= 0 ? Math.floor(ms / 1000) : null;
}

/** A serialized chat id (`<user>@<server>`): no spaces or control characters, at most 128 characters. */
export function isChatId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 128 && /^[\w.:-]+@[a-z.]+$/.test(value);
}

export function isMessageId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 256 && !/[\s\p{Cc}]/u.test(value);
}

/** The text of the first rule a query or cursor breaks, or null; the same checks the repository makes. */
export function problemOf(check: () => unknown): string | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof AppError) return error.message;
    throw error;
  }
}

export const queryProblem = (value: unknown): string | null => problemOf(() => toFtsQuery(value));
export const cursorProblem = (value: unknown): string | null =>
  typeof value === 'string' && value.length <= 512 ? problemOf(() => decodeCursor(value)) : CURSOR_RULE;
