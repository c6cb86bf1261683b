import { invalidInput } from '../common/app-error.js';

export const QUERY_RULE = 'q must be a non-empty string';
export const QUERY_NO_WORDS_RULE = 'q must contain a word to search for (letters or digits)';
export const MAX_QUERY_LENGTH = 1024;
export const QUERY_LENGTH_RULE = `q must be at most ${MAX_QUERY_LENGTH} characters`;
/** Words and phrases a query may hold, repeats counted once: each costs a pass over its matches. */
export const MAX_QUERY_TERMS = 16;
export const QUERY_TERMS_RULE = `q must have at most ${MAX_QUERY_TERMS} different words or phrases`;
export const CURSOR_RULE = 'cursor must be a next_cursor returned by a previous search';

// What unicode61 keeps as part of a token (letters and digits); a chunk without one has nothing to match.
const WORD_CHARACTER = /[\p{L}\p{N}]/u;

const ftsString = (text: string): string => `"${text.replaceAll('"', '""')}"`;

function words(text: string): string[] {
  const terms: string[] = [];
  for (const chunk of text.split(/\s+/)) {
    const prefix = /[^*]\*+$/.test(chunk);
    const word = prefix ? chunk.replace(/\*+$/, '') : chunk;
    if (WORD_CHARACTER.test(word)) terms.push(prefix ? `${ftsString(word)} *` : ftsString(word));
  }
  return terms;
}

/**
 * Turns what a person typed into an FTS5 expression that can only mean "all these words":
 * every word and every `"quoted phrase"` becomes an FTS5 string (so `-`, `:`, `NEAR`, `AND`, `OR`,
 * `^`, parentheses and column names are just text to the tokenizer), a trailing `*` on a word
 * becomes a prefix search, and an unbalanced quote is dropped. A word given twice counts once (all
 * must match anyway). Throws `invalid_input` when nothing searchable is left, so SQLite never sees
 * a query it could reject, and past MAX_QUERY_TERMS, so no query holds the server for long.
 */
export function toFtsQuery(input: unknown): string {
  if (typeof input !== 'string' || input.trim() === '') throw invalidInput(QUERY_RULE);
  if (input.length > MAX_QUERY_LENGTH) throw invalidInput(QUERY_LENGTH_RULE);
  // The FTS5 parser ends a string at NUL; the tokenizer treats control characters as separators anyway.
  const parts = input.replace(/\p{Cc}/gu, ' ').split('"');
  // Odd parts sit between a pair of quotes; with an odd number of quotes the last one pairs with nothing.
  if (parts.length % 2 === 0) parts.splice(-2, 2, `${parts.at(-2)} ${parts.at(-1)}`);
  const terms = parts.flatMap((part, index) =>
    index % 2 === 1 ? (WORD_CHARACTER.test(part) ? [ftsString(part.trim())] : []) : words(part),
  );
  if (terms.length === 0) throw invalidInput(QUERY_NO_WORDS_RULE);
  const distinct = [...new Set(terms)];
  if (distinct.length > MAX_QUERY_TERMS) throw invalidInput(QUERY_TERMS_RULE);
  return distinct.join(' ');
}

/**
 * Where a page ended. Among the ranked matches: bm25 `rank`, then newest, then insertion order.
 * Past them (`rank` null): insertion order alone. `ceiling` is the newest stored message when the
 * first page was read, so the ranked set stays put while messages arrive; bm25 still depends on
 * the whole index, so messages stored between two pages can move the boundary by a few results.
 */
export interface SearchPosition {
  rank: number | null;
  timestamp: number;
  pk: number;
  ceiling: number;
}

export function encodeCursor({ rank, timestamp, pk, ceiling }: SearchPosition): string {
  return Buffer.from(JSON.stringify([rank, timestamp, pk, ceiling])).toString('base64url');
}

/** Refuses anything that is not a cursor this module wrote (wrong base64, wrong JSON, wrong types). */
export function decodeCursor(cursor: string): SearchPosition {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidInput(CURSOR_RULE);
  }
  if (
    !Array.isArray(value) ||
    value.length !== 4 ||
    !(value[0] === null || Number.isFinite(value[0])) ||
    !value.slice(1).every((part) => Number.isSafeInteger(part))
  ) {
    throw invalidInput(CURSOR_RULE);
  }
  const [rank, timestamp, pk, ceiling] = value as [number | null, number, number, number];
  return { rank, timestamp, pk, ceiling };
}
