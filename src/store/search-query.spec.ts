import { AppError } from '../common/app-error.js';
import {
  CURSOR_RULE,
  decodeCursor,
  encodeCursor,
  QUERY_LENGTH_RULE,
  QUERY_NO_WORDS_RULE,
  QUERY_RULE,
  QUERY_TERMS_RULE,
  toFtsQuery,
} from './search-query.js';

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an invalid_input refusal, got a result');
}

describe('toFtsQuery', () => {
  it.each([
    ['invoice', '"invoice"'],
    ['ana  invoice', '"ana" "invoice"'],
    ['"next week" invoice', '"next week" "invoice"'],
    ['reuni*', '"reuni" *'],
    ['a -b', '"a" "-b"'],
    ['body:secret', '"body:secret"'],
    ['a NEAR b', '"a" "NEAR" "b"'],
    ['x OR y AND NOT z', '"x" "OR" "y" "AND" "NOT" "z"'],
    ['(a OR b)', '"(a" "OR" "b)"'],
    ['^start', '"^start"'],
    ['say "hi', '"say" "hi"'],
    ['"a" "b', '"a" "b"'],
    ['a\u0000b', '"a" "b"'],
    ['* a', '"a"'],
    ['"" a', '"a"'],
    ["it's", '"it\'s"'],
  ])('%j → %s', (input, expected) => {
    expect(toFtsQuery(input)).toBe(expected);
  });

  it.each([[''], ['   '], [undefined], [42], [['a']], [{ toString: 'a' }]])('refuses %j as not a non-empty string', (input) => {
    expect(refusal(() => toFtsQuery(input))).toEqual({ code: 'invalid_input', message: QUERY_RULE });
  });

  it.each([['-'], ['"'], ['***'], ['( ) : -'], ['🙂 🎉'], ['""']])('refuses %j, which has no word to search for', (input) => {
    expect(refusal(() => toFtsQuery(input))).toEqual({ code: 'invalid_input', message: QUERY_NO_WORDS_RULE });
  });

  it.each([
    ['co*', '"co" *'],
    ['a*', '"a" *'],
    ['東*', '"東" *'],
    ['e-ma*', '"e-ma" *'],
    ['42*', '"42" *'],
    ['a be*', '"a" "be" *'],
  ])('keeps the prefix %j, one letter included', (input, expected) => {
    expect(toFtsQuery(input)).toBe(expected);
  });

  it('counts a repeated word or phrase once', () => {
    expect(toFtsQuery('co* '.repeat(255))).toBe('"co" *');
    expect(toFtsQuery('the "next week" the "next week" invoice')).toBe('"the" "next week" "invoice"');
  });

  it('takes 16 different words or phrases and refuses 17', () => {
    const words = Array.from({ length: 17 }, (_, index) => `word${index}`);
    expect(toFtsQuery(words.slice(0, 16).join(' '))).toBe(
      words
        .slice(0, 16)
        .map((word) => `"${word}"`)
        .join(' '),
    );
    expect(refusal(() => toFtsQuery(words.join(' ')))).toEqual({ code: 'invalid_input', message: QUERY_TERMS_RULE });
    expect(refusal(() => toFtsQuery(`${words.slice(0, 16).join(' ')} "a phrase"`))).toEqual({
      code: 'invalid_input',
      message: QUERY_TERMS_RULE,
    });
  });

  it('refuses 10 KB of text with the length rule', () => {
    expect(refusal(() => toFtsQuery('word '.repeat(2048)))).toEqual({ code: 'invalid_input', message: QUERY_LENGTH_RULE });
  });
});

describe('search cursors', () => {
  it('round-trips a position exactly, fractional rank included', () => {
    const position = { rank: -1.2345678901234567e-6, timestamp: 1_767_225_600, pk: 42, ceiling: 99 };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    ['not base64 at all!'],
    [''],
    [Buffer.from('{"a":1}').toString('base64url')],
    [Buffer.from('[1,2]').toString('base64url')],
    [Buffer.from('[1,"2",3]').toString('base64url')],
    [Buffer.from('[null,2,3]').toString('base64url')],
    [Buffer.from('[1,2.5,3]').toString('base64url')],
  ])('refuses the malformed cursor %j', (cursor) => {
    expect(refusal(() => decodeCursor(cursor))).toEqual({ code: 'invalid_input', message: CURSOR_RULE });
  });
});
