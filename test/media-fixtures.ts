import { createHash } from 'node:crypto';

/* Small real files of the three kinds the issue names, built in memory (no binary fixtures in the repo). */

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** A one-page PDF with no content. */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** The first page of an OGG/Opus stream (its OpusHead packet) and some audio-looking bytes after it. */
export const OGG_OPUS = (() => {
  const head = Buffer.alloc(47);
  head.write('OggS', 0);
  head[5] = 2; // first page of the stream
  head[26] = 1; // one segment
  head[27] = 19; // of 19 bytes: the OpusHead packet
  head.write('OpusHead', 28);
  head[36] = 1; // version
  head[37] = 1; // mono
  return Buffer.concat([head, Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37) % 256))]);
})();

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
