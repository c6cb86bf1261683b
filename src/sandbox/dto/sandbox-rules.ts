import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { phoneDigits } from '../../common/input-rules.js';

/*
 * Field rules of the sandbox's JSON controls, each refusing with a text that names the field, so a
 * team driving the sandbox from CI reads what to fix.
 */

export const MAX_TEXT = 4096;
export const MAX_ID = 200;
export const MAX_NUMBERS = 100;
const MAX_REACTION = 16;

function rule(name: string, valid: (value: unknown) => boolean, message: string): PropertyDecorator {
  return ValidateBy({ name, validator: { validate: valid, defaultMessage: () => message } });
}

/** A phone number with country code in any spelling, normalised to its digits (as `phone_number` elsewhere). */
export function IsNumberOf(field: string): PropertyDecorator {
  const check = rule('isNumberOf', (value) => phoneDigits(value) !== null, `${field} must be a phone number with country code (8-15 digits)`);
  const normalise = Transform(({ value }) => phoneDigits(value) ?? value);
  return (target, key) => {
    normalise(target, key);
    check(target, key);
  };
}

export function IsText(field: string, max = MAX_TEXT): PropertyDecorator {
  const valid = (value: unknown) => typeof value === 'string' && value.trim() !== '' && value.length <= max && !value.includes('\0');
  return rule('isText', valid, `${field} must be a non-empty string of at most ${max} characters`);
}

/** A message id as the sandbox answers it (`incoming`, `sent`): `true_` or `false_`, the chat, the key. */
export function IsMessageId(): PropertyDecorator {
  const valid = (value: unknown) => typeof value === 'string' && value.length <= MAX_ID && /^(true|false)_[\w.@-]+$/.test(value);
  return rule('isMessageId', valid, 'id must be a message id as answered by /api/sandbox/incoming or /api/sandbox/sent');
}

export function IsOneOf(field: string, allowed: readonly string[]): PropertyDecorator {
  return rule('isOneOf', (value) => typeof value === 'string' && allowed.includes(value), `${field} must be one of: ${allowed.join(', ')}`);
}

export function IsFlag(field: string): PropertyDecorator {
  return rule('isFlag', (value) => typeof value === 'boolean', `${field} must be true or false`);
}

export function IsCount(field: string, min: number, max: number): PropertyDecorator {
  const valid = (value: unknown) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
  return rule('isCount', valid, `${field} must be an integer from ${min} to ${max}`);
}

/** An emoji, or an empty string that removes the reaction. */
export function IsReaction(): PropertyDecorator {
  const valid = (value: unknown) => typeof value === 'string' && value.length <= MAX_REACTION && !/[\0\n]/.test(value);
  return rule('isReaction', valid, `reaction must be a string of at most ${MAX_REACTION} characters (an emoji, or "" to remove it)`);
}

/** A list of phone numbers, each normalised to its digits. */
export function IsNumbers(): PropertyDecorator {
  const valid = (value: unknown) =>
    Array.isArray(value) && value.length >= 1 && value.length <= MAX_NUMBERS && value.every((n) => phoneDigits(n) !== null);
  const check = rule('isNumbers', valid, `numbers must be a list of 1 to ${MAX_NUMBERS} phone numbers with country code (8-15 digits each)`);
  const normalise = Transform(({ value }) => (Array.isArray(value) ? value.map((n) => phoneDigits(n) ?? n) : value));
  return (target, key) => {
    normalise(target, key);
    check(target, key);
  };
}
