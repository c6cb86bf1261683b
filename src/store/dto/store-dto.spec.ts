import { AppError } from '../../common/app-error.js';
import { limitRule, PHONE_RULE } from '../../common/input-rules.js';
import { validateInput } from '../../common/validation.js';
import { CURSOR_RULE, encodeCursor, QUERY_LENGTH_RULE, QUERY_NO_WORDS_RULE, QUERY_RULE, QUERY_TERMS_RULE } from '../search-query.js';
import { CHAT_ID_RULE, FROM_ME_RULE, MESSAGE_ID_RULE, ONE_CHAT_RULE, RANGE_RULE, timeRule } from '../search-rules.js';
import { ChatHistoryDto } from './chat-history.dto.js';
import { SearchMessagesDto, searchFilters } from './search-messages.dto.js';

async function refusal<T extends object>(type: new () => T, input: unknown): Promise<string> {
  const error = await validateInput(type, input).then(
    () => new Error('expected a refusal'),
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error;
  return error.message;
}

describe('SearchMessagesDto', () => {
  it('normalises a full query string', async () => {
    const dto = await validateInput(SearchMessagesDto, {
      q: 'fatura',
      phone_number: '+55 11 99999-0000',
      from_me: 'false',
      after: '2026-01-01T00:00:00Z',
      before: '1767312000',
      limit: '5',
      cursor: encodeCursor({ rank: -1.5, timestamp: 1, pk: 2, ceiling: 3 }),
    });
    expect(dto).toMatchObject({
      q: 'fatura',
      phone_number: '5511999990000',
      from_me: false,
      after: 1767225600,
      before: 1767312000,
      limit: 5,
    });
    expect(searchFilters(dto, 'default')).toEqual({
      session: 'default',
      chatId: '5511999990000@c.us',
      fromMe: false,
      after: 1767225600,
      before: 1767312000,
    });
  });

  it('defaults the limit and leaves the filters out', async () => {
    const dto = await validateInput(SearchMessagesDto, { q: 'x', chat_id: '120363000000000000@g.us' });
    expect(searchFilters(dto, 'work')).toEqual({ session: 'work', chatId: '120363000000000000@g.us' });
    expect(dto.limit).toBe(20);
  });

  it.each([
    [{}, QUERY_RULE],
    [{ q: '' }, QUERY_RULE],
    [{ q: ['a', 'b'] }, QUERY_RULE],
    [{ q: { $ne: '' } }, QUERY_RULE],
    [{ q: '( - : )' }, QUERY_NO_WORDS_RULE],
    [{ q: 'a'.repeat(10_240) }, QUERY_LENGTH_RULE],
    [{ q: Array.from({ length: 17 }, (_, index) => `w${index}`).join(' ') }, QUERY_TERMS_RULE],
    [{ q: 'a', phone_number: '12' }, PHONE_RULE],
    [{ q: 'a', chat_id: 'not a chat' }, CHAT_ID_RULE],
    [{ q: 'a', chat_id: '' }, CHAT_ID_RULE],
    [{ q: 'a', chat_id: '1@c.us', phone_number: '+1 555 123 4567' }, ONE_CHAT_RULE],
    [{ q: 'a', from_me: 'yes' }, FROM_ME_RULE],
    [{ q: 'a', from_me: '' }, FROM_ME_RULE],
    [{ q: 'a', after: 'yesterday' }, timeRule('after')],
    [{ q: 'a', before: '-5' }, timeRule('before')],
    [{ q: 'a', after: '2026-02-01', before: '2026-01-01' }, RANGE_RULE],
    [{ q: 'a', limit: '0' }, limitRule(100)],
    [{ q: 'a', limit: '101' }, limitRule(100)],
    [{ q: 'a', cursor: 'garbage!' }, CURSOR_RULE],
    [{ q: 'a', cursor: 'x'.repeat(10_000) }, CURSOR_RULE],
  ])('refuses %j with its rule', async (input, message) => {
    await expect(refusal(SearchMessagesDto, input)).resolves.toBe(message);
  });
});

describe('ChatHistoryDto', () => {
  it('takes a message id and a limit', async () => {
    await expect(validateInput(ChatHistoryDto, { before: 'false_1@c.us_ABC', limit: '50' })).resolves.toEqual({
      before: 'false_1@c.us_ABC',
      limit: 50,
    });
    await expect(validateInput(ChatHistoryDto, {})).resolves.toEqual({ limit: 20 });
  });

  it.each([[{ before: '' }], [{ before: 'a b' }], [{ before: ['x'] }], [{ before: 'x'.repeat(257) }]])('refuses %j', async (input) => {
    await expect(refusal(ChatHistoryDto, input)).resolves.toBe(MESSAGE_ID_RULE);
  });
});
