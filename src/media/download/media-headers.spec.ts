import { contentDisposition, contentType, isInline } from './media-headers.js';

const ID = 'false_15551234567@c.us_3EB0C767D26A1B2C3D4E';

describe('media headers', () => {
  it.each([
    ['image/jpeg', true],
    ['image/png', true],
    ['video/mp4', true],
    ['audio/ogg; codecs=opus', true],
    ['IMAGE/WEBP', true],
    ['image/svg+xml', false],
    ['text/html', false],
    ['text/html; charset=utf-8', false],
    ['application/pdf', false],
    ['application/xhtml+xml', false],
    ['image/jpeg\r\nX-Evil: 1', false],
    ['', false],
  ])('%j is inline: %s', (mimetype, inline) => {
    expect(isInline(mimetype)).toBe(inline);
    expect(contentDisposition(mimetype, 'f.bin', ID).startsWith(inline ? 'inline;' : 'attachment;')).toBe(true);
  });

  it('keeps a well-formed type and replaces anything else by application/octet-stream', () => {
    expect(contentType('audio/ogg; codecs=opus')).toBe('audio/ogg; codecs=opus');
    expect(contentType('text/html')).toBe('text/html');
    expect(contentType('image/jpeg\r\nSet-Cookie: a=b')).toBe('application/octet-stream');
    expect(contentType('not a type')).toBe('application/octet-stream');
    expect(contentType('')).toBe('application/octet-stream');
  });

  it('names the file in ASCII and, exactly, in UTF-8 (RFC 6266)', () => {
    expect(contentDisposition('application/pdf', 'invoice.pdf', ID)).toBe(
      `attachment; filename="invoice.pdf"; filename*=UTF-8''invoice.pdf`,
    );
    expect(contentDisposition('application/pdf', 'Fatura março "2026".pdf', ID)).toBe(
      `attachment; filename="Fatura mar_o _2026_.pdf"; filename*=UTF-8''Fatura%20mar%C3%A7o%20%222026%22.pdf`,
    );
  });

  it('strips paths, control characters and a leading dot from a hostile name', () => {
    expect(contentDisposition('text/html', '../../etc/passwd', ID)).toBe(`attachment; filename="passwd"; filename*=UTF-8''passwd`);
    expect(contentDisposition('text/html', 'C:\\x\\page.html', ID)).toBe(`attachment; filename="page.html"; filename*=UTF-8''page.html`);
    expect(contentDisposition('text/plain', 'a\r\nb\u0000c.txt', ID)).toBe(`attachment; filename="abc.txt"; filename*=UTF-8''abc.txt`);
    expect(contentDisposition('text/plain', '.bashrc', ID)).toBe(`attachment; filename="_bashrc"; filename*=UTF-8''.bashrc`);
    expect(contentDisposition('text/plain', "50% (it's)*", ID)).toBe(
      `attachment; filename="50_ (it's)*"; filename*=UTF-8''50%25%20%28it%27s%29%2A`,
    );
  });

  it('makes up a name from the message id and the type when the sender gave none', () => {
    expect(contentDisposition('image/jpeg', null, ID)).toBe(
      `inline; filename="whatsapp-D26A1B2C3D4E.jpg"; filename*=UTF-8''whatsapp-D26A1B2C3D4E.jpg`,
    );
    expect(contentDisposition('application/x-unknown', '..', ID)).toBe(
      `attachment; filename="whatsapp-D26A1B2C3D4E"; filename*=UTF-8''whatsapp-D26A1B2C3D4E`,
    );
  });
});
