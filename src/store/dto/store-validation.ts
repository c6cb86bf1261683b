import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments } from 'class-validator';
import {
  CHAT_ID_RULE,
  cursorProblem,
  FROM_ME_RULE,
  fromMeValue,
  isChatId,
  isMessageId,
  MESSAGE_ID_RULE,
  ONE_CHAT_RULE,
  queryProblem,
  RANGE_RULE,
  timeRule,
  timeValue,
} from '../search-rules.js';

/*
 * DTO decorators over the plain rules of search-rules.ts, in the style of common/validation.ts:
 * normalise a valid value, keep an invalid one as it came so the check refuses it with the rule's text.
 */

type Problem = (value: unknown, args: ValidationArguments) => string | null;

export function rule(name: string, problem: Problem, normalise?: (value: unknown) => unknown): PropertyDecorator {
  const check = ValidateBy({
    name,
    validator: {
      validate: (value, args) => problem(value, args!) === null,
      defaultMessage: (args) => (args ? problem(args.value, args) : null) ?? `${name} is invalid`,
    },
  });
  const transform = normalise && Transform(({ value }: { value: unknown }) => normalise(value) ?? value);
  return (target, key) => {
    transform?.(target, key);
    check(target, key);
  };
}

export const IsSearchQuery = (): PropertyDecorator => rule('isSearchQuery', (value) => queryProblem(value));

export const IsSearchCursor = (): PropertyDecorator => rule('isSearchCursor', (value) => cursorProblem(value));

export const IsFromMe = (): PropertyDecorator =>
  rule('isFromMe', (value) => (typeof value === 'boolean' ? null : FROM_ME_RULE), fromMeValue);

/** `after` (inclusive) and `before` (exclusive); `before` also checks that the range is not empty. */
export const IsTime = (name: 'after' | 'before'): PropertyDecorator =>
  rule(
    'isTime',
    (value, { object }) => {
      if (typeof value !== 'number') return timeRule(name);
      const after = (object as { after?: unknown }).after;
      return name === 'before' && typeof after === 'number' && after >= value ? RANGE_RULE : null;
    },
    timeValue,
  );

export const IsChatId = (): PropertyDecorator =>
  rule('isChatId', (value, { object }) =>
    !isChatId(value) ? CHAT_ID_RULE : (object as { phone_number?: unknown }).phone_number !== undefined ? ONE_CHAT_RULE : null,
  );

export const IsMessageId = (): PropertyDecorator => rule('isMessageId', (value) => (isMessageId(value) ? null : MESSAGE_ID_RULE));

/** The MCP tool names the words `query`; the rules' texts say `q`, after the REST parameter. */
export const IsToolQuery = (): PropertyDecorator => rule('isSearchQuery', (value) => queryProblem(value)?.replace(/^q /, 'query ') ?? null);

export const CONTEXT_RULE = 'context must be an integer from 0 to 5';
export const IsContext = (): PropertyDecorator =>
  rule('isContext', (value) => (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 5 ? null : CONTEXT_RULE));
