import type { ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { phoneDigits } from '../../common/input-rules.js';
import { ApiProperty } from '../../openapi/doc-decorators.js';

/*
 * Field rules of the sandbox's JSON controls, each refusing with a text that names the field, so a
 * team driving the sandbox from CI reads what to fix.
 */

export const MAX_TEXT = 4096;
export const MAX_ID = 200;
export const MAX_NUMBERS = 100;
const MAX_REACTION = 16;

/** A validation rule and its OpenAPI description (the refusal's text says what is accepted). */
function rule(name: string, valid: (value: unknown) => boolean, message: string, doc: ApiPropertyOptions = {}): PropertyDecorator {
  const check = ValidateBy({ name, validator: { validate: valid, defaultMessage: () => message } });
  const documented = ApiProperty({ description: message, ...doc });
  return (target, key) => {
    check(target, key);
    documented(target, key);
  };
}

/** A phone number with country code in any spelling, normalised to its digits (as `phone_number` elsewhere). */
export function IsNumberOf(field: string): PropertyDecorator {
  const message = `${field} must be a phone number with country code (8-15 digits)`;
  const check = rule('isNumberOf', (value) => phoneDigits(value) !== null, message, { type: 'string', example: '+49 151 23456789' });
  const normalise = Transform(({ value }: { value: unknown }) => phoneDigits(value) ?? value);
  return (target, key) => {
    normalise(target, key);
    check(target, key);
  };
}

export function IsText(field: string, max = MAX_TEXT, required = true): PropertyDecorator {
  const valid = (value: unknown) => typeof value === 'string' && value.trim() !== '' && value.length <= max && !value.includes('\0');
  return rule('isText', valid, `${field} must be a non-empty string of at most ${max} characters`, {
    type: 'string',
    minLength: 1,
    maxLength: max,
    required,
  });
}

/** A message id as the sandbox answers it (`incoming`, `sent`): `true_` or `false_`, the chat, the key. */
export function IsMessageId(): PropertyDecorator {
  const valid = (value: unknown) => typeof value === 'string' && value.length <= MAX_ID && /^(true|false)_[\w.@-]+$/.test(value);
  return rule('isMessageId', valid, 'id must be a message id as answered by /api/sandbox/incoming or /api/sandbox/sent', {
    type: 'string',
    maxLength: MAX_ID,
    example: 'true_4915123456789@c.us_3EB0C767D26A1B2C3D4E',
  });
}

export function IsOneOf(field: string, allowed: readonly string[]): PropertyDecorator {
  const valid = (value: unknown) => typeof value === 'string' && allowed.includes(value);
  return rule('isOneOf', valid, `${field} must be one of: ${allowed.join(', ')}`, { type: 'string', enum: [...allowed] });
}

export function IsFlag(field: string): PropertyDecorator {
  return rule('isFlag', (value) => typeof value === 'boolean', `${field} must be true or false`, { type: 'boolean' });
}

export function IsCount(field: string, min: number, max: number): PropertyDecorator {
  const valid = (value: unknown) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
  return rule('isCount', valid, `${field} must be an integer from ${min} to ${max}`, { type: 'integer', minimum: min, maximum: max });
}

/** An emoji, or an empty string that removes the reaction. */
export function IsReaction(): PropertyDecorator {
  const valid = (value: unknown) => typeof value === 'string' && value.length <= MAX_REACTION && !/[\0\n]/.test(value);
  return rule('isReaction', valid, `reaction must be a string of at most ${MAX_REACTION} characters (an emoji, or "" to remove it)`, {
    type: 'string',
    maxLength: MAX_REACTION,
    example: '👍',
  });
}

/** A list of phone numbers, each normalised to its digits. */
export function IsNumbers(): PropertyDecorator {
  const valid = (value: unknown) =>
    Array.isArray(value) && value.length >= 1 && value.length <= MAX_NUMBERS && value.every((n) => phoneDigits(n) !== null);
  const message = `numbers must be a list of 1 to ${MAX_NUMBERS} phone numbers with country code (8-15 digits each)`;
  const check = rule('isNumbers', valid, message, { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: MAX_NUMBERS });
  const normalise = Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((n: unknown) => phoneDigits(n) ?? n) : value,
  );
  return (target, key) => {
    normalise(target, key);
    check(target, key);
  };
}
