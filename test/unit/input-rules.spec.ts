import {
  limitRule,
  limitValue,
  MESSAGE_LENGTH_RULE,
  MESSAGE_RULE,
  messageProblem,
  PHONE_RULE,
  phoneDigits,
} from '../../src/common/input-rules.js';
import { validateInput } from '../../src/common/validation.js';
import { SendMessageDto } from '../../src/messaging/dto/send-message.dto.js';
import { ReadMessagesDto } from '../../src/messaging/dto/read-messages.dto.js';
import { ListChatsDto } from '../../src/messaging/dto/list-chats.dto.js';

describe('phone rule', () => {
  it.each([
    ['+1 (555) 123-4567', '15551234567'],
    ['+44 7911 123456', '447911123456'],
    ['12345678', '12345678'],
    ['123456789012345', '123456789012345'],
  ])('normalises %j to %s', (input, digits) => {
    expect(phoneDigits(input)).toBe(digits);
  });

  it.each([['1234567'], ['1234567890123456'], ['abcdefghij'], [''], ['   '], ['+'], [15551234567], [null], [undefined], [{}]])(
    'refuses %j',
    (input) => {
      expect(phoneDigits(input)).toBeNull();
    },
  );

  it('keeps the original wording', () => {
    expect(PHONE_RULE).toBe('phone_number must include country code and contain 8-15 digits');
  });
});

describe('message rule', () => {
  it('accepts text up to 65,536 characters', () => {
    expect(messageProblem('hi')).toBeNull();
    expect(messageProblem('x'.repeat(65_536))).toBeNull();
  });

  it.each([[''], ['  \n '], [42], [null], [undefined], [['hi']]])('refuses %j as not a non-empty string', (input) => {
    expect(messageProblem(input)).toBe(MESSAGE_RULE);
  });

  it('refuses 65,537 characters', () => {
    expect(messageProblem('x'.repeat(65_537))).toBe(MESSAGE_LENGTH_RULE);
  });
});

describe('limit rule', () => {
  it.each([
    [1, 1],
    [100, 100],
    ['1', 1],
    ['100', 100],
    [undefined, 20],
    [null, 20],
  ])('accepts %j as %d', (input, limit) => {
    expect(limitValue(input, 100, 20)).toBe(limit);
  });

  it.each([[0], [101], ['0'], ['101'], ['abc'], ['1.5'], [1.5], [''], [-1], [true], [[5]]])('refuses %j', (input) => {
    expect(limitValue(input, 100, 20)).toBeNull();
  });

  it('names the maximum', () => {
    expect(limitRule(100)).toBe('limit must be an integer between 1 and 100');
  });
});

describe('validateInput (the DTOs REST and MCP share)', () => {
  it('normalises the phone number and keeps the message', async () => {
    await expect(validateInput(SendMessageDto, { phone_number: '+1 (555) 123-4567', message: 'hi' })).resolves.toEqual({
      phone_number: '15551234567',
      message: 'hi',
    });
  });

  it('reports the phone rule before the message rule', async () => {
    await expect(validateInput(SendMessageDto, { phone_number: '12', message: '' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: PHONE_RULE,
    });
  });

  it('refuses a missing message with its own text', async () => {
    await expect(validateInput(SendMessageDto, { phone_number: '15551234567' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: MESSAGE_RULE,
    });
  });

  it('treats a non-object body as empty', async () => {
    await expect(validateInput(SendMessageDto, ['15551234567', 'hi'])).rejects.toMatchObject({ message: PHONE_RULE });
    await expect(validateInput(ListChatsDto, null)).resolves.toEqual({ limit: 20 });
  });

  it('applies the limit defaults and bounds', async () => {
    await expect(validateInput(ReadMessagesDto, { phone_number: '15551234567' })).resolves.toEqual({
      phone_number: '15551234567',
      limit: 10,
    });
    await expect(validateInput(ReadMessagesDto, { phone_number: '15551234567', limit: '100' })).resolves.toMatchObject({
      limit: 100,
    });
    await expect(validateInput(ReadMessagesDto, { phone_number: '15551234567', limit: 101 })).rejects.toMatchObject({
      message: 'limit must be an integer between 1 and 100',
    });
  });
});
