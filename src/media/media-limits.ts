import type { Readable } from 'node:stream';
import { AppError } from '../common/app-error.js';

const mib = (bytes: number): string => (bytes % 1_048_576 === 0 ? `${bytes / 1_048_576} MiB` : `${bytes} bytes`);

/** The refusal of a file over WHATSAPP_MEDIA_MAX_BYTES, wherever it came from. */
export const tooLarge = (maxBytes: number, what = 'The media'): AppError =>
  new AppError('payload_too_large', `${what} is larger than ${mib(maxBytes)} (WHATSAPP_MEDIA_MAX_BYTES).`);

/**
 * Reads a stream into memory, never holding more than `maxBytes`: past it the stream is destroyed (a
 * response) or left unread (`stop`), and the read fails with `payload_too_large`.
 */
export function readCapped(stream: Readable, maxBytes: number, what?: string, stop: (stream: Readable) => void = (s) => s.destroy()) {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        stream.off('data', onData);
        stream.pause();
        chunks.length = 0;
        stop(stream);
        reject(tooLarge(maxBytes, what));
        return;
      }
      chunks.push(chunk);
    };
    stream.on('data', onData);
    stream.once('error', reject);
    stream.once('end', () => resolve(Buffer.concat(chunks, size)));
  });
}
