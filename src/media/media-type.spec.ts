import { AppError } from '../common/app-error.js';
import { OGG_OPUS, PDF, PNG } from '../../test/media-fixtures.js';
import { identifyMedia, safeFilename } from './media-type.js';

describe('identifyMedia: the type comes from the bytes', () => {
  it.each([
    ['a PNG', PNG, undefined, 'image/png', 'image'],
    ['a PDF', PDF, undefined, 'application/pdf', 'document'],
    ['an OGG/Opus voice note', OGG_OPUS, undefined, 'audio/ogg; codecs=opus', 'audio'],
    ['a PDF declared as image/png', PDF, 'image/png', 'application/pdf', 'document'],
    ['a PNG declared as application/pdf', PNG, 'application/pdf', 'image/png', 'image'],
    ['CSV declared as text/csv', Buffer.from('a,b\n1,2\n'), 'text/csv; charset=utf-8', 'text/csv', 'document'],
    ['text declared as image/png', Buffer.from('<svg onload="alert(1)">'), 'image/png', 'application/octet-stream', 'document'],
    ['binary declared as text/plain', Buffer.from([0, 1, 2, 3, 255, 254]), 'text/plain', 'application/octet-stream', 'document'],
    ['unknown bytes with no type', Buffer.from([9, 8, 7, 0, 1]), undefined, 'application/octet-stream', 'document'],
  ])('%s', async (_what, data, declared, mimetype, kind) => {
    const { media, kind: found } = await identifyMedia({ data, mimetype: declared }, false);
    expect({ mimetype: media.mimetype, kind: found, data: media.data }).toEqual({ mimetype, kind, data });
  });

  it('names the file from the caller, else from the type', async () => {
    await expect(identifyMedia({ data: PDF, filename: 'invoice.pdf' }, false)).resolves.toMatchObject({
      media: { filename: 'invoice.pdf' },
    });
    await expect(identifyMedia({ data: PDF }, false)).resolves.toMatchObject({ media: { filename: 'file.pdf' } });
    await expect(identifyMedia({ data: Buffer.from('x'), mimetype: 'text/plain' }, false)).resolves.toMatchObject({
      media: { filename: 'file.txt' },
    });
  });

  it('sends a voice note only for audio', async () => {
    await expect(identifyMedia({ data: OGG_OPUS }, true)).resolves.toMatchObject({ kind: 'audio' });
    const refusal = await identifyMedia({ data: PNG, mimetype: 'audio/ogg' }, true).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({
      code: 'invalid_input',
      message: 'as_voice needs an audio file (OGG/Opus is best); this file is image/png.',
    });
  });

  it('refuses an empty file', async () => {
    await expect(identifyMedia({ data: Buffer.alloc(0) }, false)).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'The media is empty (0 bytes).',
    });
  });
});

describe('safeFilename', () => {
  it.each([
    ['../../etc/passwd', '.._.._etc_passwd'],
    ['a\u0000b\nc.pdf', 'abc.pdf'],
    ['..', 'file.pdf'],
    ['   ', 'file.pdf'],
    ['x'.repeat(300), 'x'.repeat(255)],
  ])('safe name %#', (name, safe) => {
    expect(safeFilename(name, 'pdf')).toBe(safe);
  });
});
