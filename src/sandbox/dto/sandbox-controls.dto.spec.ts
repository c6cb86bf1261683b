import { AppError } from '../../common/app-error.js';
import { validateInput } from '../../common/validation.js';
import { AckDto, ConnectionDto, IncomingDto, PairingDto, ReactDto, RegisteredDto, SeedDto, SentQueryDto } from './sandbox-controls.dto.js';

const ID = 'true_15551000000@c.us_3EB0A1B2C3D4E5F60718';

async function refusal<T extends object>(type: new () => T, input: unknown): Promise<string> {
  const error = await validateInput(type, input).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an invalid_input refusal of ${JSON.stringify(input)}, got ${String(error)}`);
  expect(error.code).toBe('invalid_input');
  return error.message;
}

describe('sandbox control inputs', () => {
  it('normalises a sender number and keeps body and group', async () => {
    await expect(validateInput(IncomingDto, { from: '+49 151 2345-6789', body: 'Hallo', group: 'Family' })).resolves.toEqual({
      from: '4915123456789',
      body: 'Hallo',
      group: 'Family',
    });
  });

  it.each([
    [{ body: 'hi' }, 'from must be a phone number with country code (8-15 digits)'],
    [{ from: 15551234567, body: 'hi' }, 'from must be a phone number with country code (8-15 digits)'],
    [{ from: '15551234567', body: '   ' }, 'body must be a non-empty string of at most 4096 characters'],
    [{ from: '15551234567', body: ['hi'] }, 'body must be a non-empty string of at most 4096 characters'],
    [{ from: '15551234567', body: 'a\0b' }, 'body must be a non-empty string of at most 4096 characters'],
    [{ from: '15551234567', body: 'x'.repeat(4097) }, 'body must be a non-empty string of at most 4096 characters'],
    [{ from: '15551234567', body: 'hi', group: '' }, 'group must be a non-empty string of at most 100 characters'],
  ])('refuses incoming input #%# with a text naming the field', async (input, text) => {
    await expect(refusal(IncomingDto, input)).resolves.toBe(text);
  });

  it('refuses a body that only carries prototype keys', async () => {
    await expect(refusal(IncomingDto, JSON.parse('{"__proto__":{"from":"15551234567","body":"hi"}}'))).resolves.toBe(
      'from must be a phone number with country code (8-15 digits)',
    );
  });

  it('takes the sent limit from a query string, 100 by default, at most 1000', async () => {
    await expect(validateInput(SentQueryDto, {})).resolves.toEqual({ limit: 100 });
    await expect(validateInput(SentQueryDto, { limit: '5' })).resolves.toEqual({ limit: 5 });
    await expect(refusal(SentQueryDto, { limit: '1001' })).resolves.toBe('limit must be an integer between 1 and 1000');
  });

  it('accepts the three ack levels and refuses others', async () => {
    await expect(validateInput(AckDto, { id: ID, ack: 'read' })).resolves.toEqual({ id: ID, ack: 'read' });
    await expect(refusal(AckDto, { id: ID, ack: 3 })).resolves.toBe('ack must be one of: device, read, played');
    await expect(refusal(AckDto, { id: 'nope', ack: 'read' })).resolves.toBe(
      'id must be a message id as answered by /api/sandbox/incoming or /api/sandbox/sent',
    );
    await expect(refusal(AckDto, { id: `${ID}<script>`, ack: 'read' })).resolves.toMatch(/^id must be a message id/);
  });

  it('accepts an empty reaction (removal) and refuses a long one', async () => {
    await expect(validateInput(ReactDto, { id: ID, from: '15551000000', reaction: '' })).resolves.toEqual({
      id: ID,
      from: '15551000000',
      reaction: '',
    });
    await expect(refusal(ReactDto, { id: ID, from: '15551000000', reaction: 'x'.repeat(17) })).resolves.toBe(
      'reaction must be a string of at most 16 characters (an emoji, or "" to remove it)',
    );
  });

  it('wants booleans, not their spellings', async () => {
    await expect(validateInput(ConnectionDto, { up: false })).resolves.toEqual({ up: false });
    await expect(refusal(ConnectionDto, { up: 'false' })).resolves.toBe('up must be true or false');
  });

  it('normalises every registered number and refuses an empty or bad list', async () => {
    await expect(validateInput(RegisteredDto, { numbers: ['+1 555 100 0001'], registered: false })).resolves.toEqual({
      numbers: ['15551000001'],
      registered: false,
    });
    const text = 'numbers must be a list of 1 to 100 phone numbers with country code (8-15 digits each)';
    await expect(refusal(RegisteredDto, { numbers: [], registered: true })).resolves.toBe(text);
    await expect(refusal(RegisteredDto, { numbers: ['123'], registered: true })).resolves.toBe(text);
    await expect(refusal(RegisteredDto, { numbers: '15551000001', registered: true })).resolves.toBe(text);
    await expect(refusal(RegisteredDto, { numbers: Array(101).fill('15551000001'), registered: true })).resolves.toBe(text);
  });

  it('bounds the seed', async () => {
    await expect(validateInput(SeedDto, { chats: 0, messages_per_chat: 200 })).resolves.toEqual({ chats: 0, messages_per_chat: 200 });
    await expect(refusal(SeedDto, { chats: 501, messages_per_chat: 1 })).resolves.toBe('chats must be an integer from 0 to 500');
    await expect(refusal(SeedDto, { chats: 1, messages_per_chat: 1.5 })).resolves.toBe(
      'messages_per_chat must be an integer from 0 to 200',
    );
  });

  it('wants a pairing code', async () => {
    await expect(refusal(PairingDto, {})).resolves.toBe('code must be a non-empty string of at most 16 characters');
  });

  describe('incoming media', () => {
    const MEDIA_RULE =
      'media must be { data, mimetype, filename? }: data the base64 of 1 byte to 16 MiB, mimetype a type such as image/jpeg, ' +
      'filename (optional) a name of at most 255 characters without slashes';
    const photo = { data: Buffer.from('png bytes').toString('base64'), mimetype: 'image/png' };

    it('takes a file with or without a caption', async () => {
      await expect(validateInput(IncomingDto, { from: '15551234567', media: photo })).resolves.toEqual({
        from: '15551234567',
        media: photo,
      });
      const withCaption = { from: '15551234567', body: 'look', media: { ...photo, filename: 'a.png' } };
      await expect(validateInput(IncomingDto, withCaption)).resolves.toEqual(withCaption);
      await expect(validateInput(IncomingDto, { from: '15551234567', body: '', media: photo })).resolves.toMatchObject({ body: '' });
    });

    it.each([
      [{ ...photo, data: '' }],
      [{ ...photo, data: 'not base64!' }],
      [{ ...photo, data: 'abc' }],
      [{ ...photo, data: 'A'.repeat(Math.ceil((16 * 1_048_576) / 3) * 4 + 4) }],
      [{ ...photo, mimetype: 'png' }],
      [{ ...photo, mimetype: 'image/png\r\nX: 1' }],
      [{ ...photo, filename: '../x.png' }],
      [{ ...photo, filename: '' }],
      [{ ...photo, surprise: 1 }],
      [[photo]],
      ['photo'],
      [null],
    ])('refuses media #%#', async (media) => {
      await expect(refusal(IncomingDto, { from: '15551234567', media })).resolves.toBe(MEDIA_RULE);
    });

    it('still refuses a blank caption beside a file', async () => {
      await expect(refusal(IncomingDto, { from: '15551234567', body: '   ', media: photo })).resolves.toBe(
        'body must be a non-empty string of at most 4096 characters',
      );
    });
  });
});
