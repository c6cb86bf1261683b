import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { EVENT_ID_PATTERN, EVENT_TYPES, isEventType } from '../event-envelope.js';

export const AFTER_RULE = 'after must be an event id (evt_ followed by 26 characters of a ULID)';
export const TYPES_RULE = `types must be a comma-separated list of event types (${EVENT_TYPES.join(', ')})`;
export const EVENTS_LIMIT = { max: 1000, fallback: 100 } as const;

/** `a,b` or `a&types=b` (a repeated parameter) as one list; null when not made of strings. */
function typeNames(value: unknown): string[] | null {
  const parts = typeof value === 'string' ? [value] : Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null;
  return (
    parts
      ?.flatMap((part: string) => part.split(','))
      .map((name) => name.trim())
      .filter(Boolean) ?? null
  );
}

function typesProblem(value: unknown): string | null {
  if (value === undefined) return null;
  const names = typeNames(value);
  if (!names) return TYPES_RULE;
  const unknown = names.filter((name) => !isEventType(name));
  if (unknown.length === 0) return null;
  // The names are the client's own input: quote them shortened, never a 10 KB echo.
  const shown = unknown.slice(0, 3).map((name) => JSON.stringify(name.slice(0, 40)));
  return `types has unknown event type${unknown.length > 1 ? 's' : ''} ${shown.join(', ')}${unknown.length > 3 ? ', ...' : ''}; ${TYPES_RULE}`;
}

/** Optional list of known event types; normalised to an array (empty: every type). */
export function IsEventTypes(): PropertyDecorator {
  const check = ValidateBy({
    name: 'isEventTypes',
    validator: { validate: (value) => typesProblem(value) === null, defaultMessage: (args) => typesProblem(args?.value) ?? TYPES_RULE },
  });
  const normalise = Transform(({ value }: { value: unknown }) =>
    value === undefined ? [] : typesProblem(value) === null ? typeNames(value) : value,
  );
  return (target, key) => {
    normalise(target, key);
    check(target, key);
  };
}

/** Optional event id cursor; an empty value means "from the oldest", as no value does. */
export function IsEventCursor(): PropertyDecorator {
  const check = ValidateBy({
    name: 'isEventCursor',
    validator: {
      validate: (value) => value === null || (typeof value === 'string' && EVENT_ID_PATTERN.test(value)),
      defaultMessage: () => AFTER_RULE,
    },
  });
  const normalise = Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? null : value));
  return (target, key) => {
    normalise(target, key);
    check(target, key);
  };
}
