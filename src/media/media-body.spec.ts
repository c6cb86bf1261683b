import { Readable } from 'node:stream';
import { readMultipart } from './media-body.js';

const BOUNDARY = 'media-test-boundary';
const headers = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };

const head = (): Buffer =>
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="phone_number"\r\n\r\n15551234567\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );

describe('readMultipart', () => {
  it('reads the fields and the file', async () => {
    const body = Buffer.concat([head(), Buffer.from('hello'), Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]);
    await expect(readMultipart(Readable.from([body]), headers, 5)).resolves.toEqual({
      fields: { phone_number: '15551234567' },
      file: { data: Buffer.from('hello'), filename: 'a.bin', mimetype: 'application/octet-stream' },
    });
  });

  it('stops reading an endless upload once past the cap, and holds no more than the cap', async () => {
    const cap = 1_048_576;
    let served = 0;
    const endless = new Readable({
      read() {
        const chunk = served === 0 ? head() : Buffer.alloc(64 * 1024, 1);
        served += chunk.length;
        this.push(chunk);
      },
    });
    await expect(readMultipart(endless, headers, cap)).rejects.toMatchObject({
      code: 'payload_too_large',
      message: 'The file is larger than 1 MiB (WHATSAPP_MEDIA_MAX_BYTES).',
    });
    const servedAtRefusal = served;
    // Nothing reads on: the stream is left paused with at most its read-ahead buffered.
    await new Promise((resolve) => setImmediate(resolve));
    expect(served).toBe(servedAtRefusal);
    expect(served).toBeLessThan(cap + 4 * 64 * 1024);
  });

  it('refuses a file part with another name and a body that is not multipart', async () => {
    const body = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename="a.bin"\r\n\r\nhi\r\n--${BOUNDARY}--\r\n`,
    );
    await expect(readMultipart(Readable.from([body]), headers, 10)).rejects.toMatchObject({
      code: 'invalid_input',
      message: "The form's file part must be named file (got upload).",
    });
    await expect(readMultipart(Readable.from([]), { 'content-type': 'multipart/form-data' }, 10)).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'Unreadable multipart body: Multipart: Boundary not found',
    });
  });
});
