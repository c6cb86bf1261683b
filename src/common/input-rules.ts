/** The original product's error texts: scripts match on them, keep the wording. */
export const PHONE_RULE = 'phone_number must include country code and contain 8-15 digits';
export const MESSAGE_RULE = 'message must be a non-empty string';
export const MAX_MESSAGE_LENGTH = 65_536;
export const MESSAGE_LENGTH_RULE = `message must be at most ${MAX_MESSAGE_LENGTH} characters`;
export const limitRule = (max: number): string => `limit must be an integer between 1 and ${max}`;

export const CHATS_LIMIT = { max: 100, fallback: 20 } as const;
export const MESSAGES_LIMIT = { max: 100, fallback: 10 } as const;

/**
 * `+1 (555) 123-4567` → `15551234567`: strip every non-digit, then require 8 to 15 digits.
 * Only strings are accepted: a JSON number cannot carry a leading `+` or `00` and is most often a
 * client bug, so it gets the same refusal as any other malformed number.
 */
export function phoneDigits(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const digits = value.replace(/\D/g, '');
  return digits.length >= 8 && digits.length <= 15 ? digits : null;
}

/** Returns the error text for a bad message, or null when it can be sent. */
export function messageProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return MESSAGE_RULE;
  if (value.length > MAX_MESSAGE_LENGTH) return MESSAGE_LENGTH_RULE;
  return null;
}

/**
 * A limit from JSON (a number) or a query string ("20"). Missing (undefined or null) gives the
 * fallback; anything else that is not a whole number from 1 to max is refused, "" and "1.5" included.
 */
export function limitValue(value: unknown, max: number, fallback: number): number | null {
  if (value === undefined || value === null) return fallback;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(number) && number >= 1 && number <= max ? number : null;
}
