import type { ApiPropertyOptions } from '@nestjs/swagger';
import { limitRule, MAX_MESSAGE_LENGTH, MESSAGE_RULE, PHONE_RULE } from '../common/input-rules.js';

/** The input rules of input-rules.ts as OpenAPI constraints, for the DTOs' @ApiProperty (MCP derives its inputs from them). */

/** `role`: what the number is in this request, e.g. "The recipient." */
export const phoneNumberDoc = (role: string): ApiPropertyOptions => ({
  description: `${role} With country code, written any way: every non-digit is removed, then 8 to 15 digits must remain (else 400 "${PHONE_RULE}").`,
  example: '+1 555 123 4567',
  // Any text holding 8 to 15 digits: the same rule as phoneDigits(), for clients that check first.
  pattern: '^\\D*(\\d\\D*){8,15}$',
});

export const MESSAGE_DOC: ApiPropertyOptions = {
  description: `The text to send: not blank, at most ${MAX_MESSAGE_LENGTH} characters (else 400 "${MESSAGE_RULE}").`,
  example: 'Hello from the server',
  minLength: 1,
  maxLength: MAX_MESSAGE_LENGTH,
};

/** `what`: what is counted, e.g. "chats". */
export const limitDoc = ({ max, fallback }: { max: number; fallback: number }, what: string): ApiPropertyOptions => ({
  description: `How many ${what} to return (else 400 "${limitRule(max)}").`,
  type: 'integer',
  minimum: 1,
  maximum: max,
  default: fallback,
  example: 5,
  required: false,
});
