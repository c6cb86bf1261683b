import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import { getMetadataStorage, validate, ValidateBy, type ValidationError } from 'class-validator';
import { invalidInput } from './app-error.js';
import { limitRule, limitValue, messageProblem, MESSAGE_RULE, PHONE_RULE, phoneDigits } from './input-rules.js';

/*
 * DTO decorators that delegate to the plain rules in input-rules.ts, so REST (through InputPipe) and
 * MCP (through validateInput) refuse the same inputs with the same texts.
 */

/** Accepts any spelling of a number with country code and normalises it to its digits. */
export function IsPhoneNumber(): PropertyDecorator {
  const check = ValidateBy({
    name: 'isPhoneNumber',
    validator: { validate: (value) => phoneDigits(value) !== null, defaultMessage: () => PHONE_RULE },
  });
  const normalise = Transform(({ value }: { value: unknown }) => phoneDigits(value) ?? value);
  return (target, key) => {
    normalise(target, key);
    check(target, key);
  };
}

export function IsMessageText(): PropertyDecorator {
  return ValidateBy({
    name: 'isMessageText',
    validator: {
      validate: (value) => messageProblem(value) === null,
      defaultMessage: (args) => messageProblem(args?.value) ?? MESSAGE_RULE,
    },
  });
}

/** A limit from 1 to max; give the property its default with an initialiser. */
export function IsLimit(max: number, fallback: number): PropertyDecorator {
  const check = ValidateBy({
    name: 'isLimit',
    validator: { validate: (value) => limitValue(value, max, fallback) !== null, defaultMessage: () => limitRule(max) },
  });
  const normalise = Transform(({ value }: { value: unknown }) => limitValue(value, max, fallback) ?? value);
  return (target, key) => {
    normalise(target, key);
    check(target, key);
  };
}

function firstMessage(errors: ValidationError[]): string {
  for (const error of errors) {
    const message = Object.values(error.constraints ?? {})[0] ?? (error.children && firstMessage(error.children));
    if (message) return message;
  }
  return 'invalid input';
}

/** Builds a DTO from untrusted input and validates it; throws `invalid_input` with the rule's text. */
export async function validateInput<T extends object>(type: new () => T, input: unknown): Promise<T> {
  const plain = input !== null && typeof input === 'object' && !Array.isArray(input) ? input : {};
  const instance = plainToInstance(type, plain);
  const errors = await validate(instance);
  if (errors.length > 0) throw invalidInput(firstMessage(errors));
  return instance;
}

function hasRules(type: unknown): type is new () => object {
  return typeof type === 'function' && getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).length > 0;
}

/** The global REST pipe: bodies and queries typed with a DTO go through validateInput. */
@Injectable()
export class InputPipe implements PipeTransform {
  transform(value: unknown, { metatype, type }: ArgumentMetadata): unknown {
    if ((type === 'body' || type === 'query') && hasRules(metatype)) return validateInput(metatype, value);
    return value;
  }
}
