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
/** The largest file a simulated contact sends: WhatsApp's own cap for media, and the sending half's default. */
export const MAX_MEDIA_BYTES = 16 * 1_048_576;
const MAX_MEDIA_BASE64 = Math.ceil(MAX_MEDIA_BYTES / 3) * 4;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MEDIA_TYPE = /^[\w.+-]{1,100}\/[\w.+-]{1,100}(;\s*[\w.+-]{1,50}=[\w.+-]{1,50}){0,4}$/;

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

const isBase64 = (value: unknown): boolean =>
  typeof value === 'string' && value.length > 0 && value.length % 4 === 0 && value.length <= MAX_MEDIA_BASE64 && BASE64.test(value);
const isFileName = (value: unknown): boolean =>
  value === undefined || (typeof value === 'string' && value.trim() !== '' && value.length <= 255 && !/[\0/\\]/.test(value));

/** A file a contact sends: `{ data: <base64>, mimetype, filename? }` and nothing else. */
export function IsIncomingMedia(): PropertyDecorator {
  const valid = (value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const { data, mimetype, filename, ...rest } = value as Record<string, unknown>;
    return (
      Object.keys(rest).length === 0 && isBase64(data) && typeof mimetype === 'string' && MEDIA_TYPE.test(mimetype) && isFileName(filename)
    );
  };
  const message =
    'media must be { data, mimetype, filename? }: data the base64 of 1 byte to 16 MiB, mimetype a type such as image/jpeg, ' +
    'filename (optional) a name of at most 255 characters without slashes';
  return rule('isIncomingMedia', valid, message, {
    type: 'object',
    required: ['data', 'mimetype'],
    properties: {
      data: { type: 'string', format: 'byte' },
      mimetype: { type: 'string', example: 'image/jpeg' },
      filename: { type: 'string', example: 'invoice.pdf' },
    },
  });
}
