import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError, invalidInput } from '../common/app-error.js';
import { readCapped, tooLarge } from './media-limits.js';

/** The media route (and its form under a session); registered before the global 1 MiB JSON parser, which then skips it. */
export const MEDIA_ROUTES = ['/api/send-media', '/api/sessions/:session/send-media'];

/** Room for the other fields beside the base64 (a caption of 65,536 characters, escaped). */
const FIELDS_ROOM = 1_048_576;
const FIELD_NAMES = new Set(['phone_number', 'caption', 'as_voice']);

export interface Upload {
  fields: Record<string, string>;
  file?: { data: Buffer; filename?: string; mimetype: string };
}

/**
 * Reads a multipart form (`phone_number`, `caption`, `as_voice`, one `file`) from `stream`, holding at
 * most `maxBytes` of the file: past it the reading stops (the stream is left unread, not buffered)
 * and the promise fails with `payload_too_large`.
 */
export function readMultipart(stream: Readable, headers: IncomingHttpHeaders, maxBytes: number): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let parser: ReturnType<typeof busboy>;
    try {
      parser = busboy({ headers, limits: { fieldSize: 2 * FIELDS_ROOM, fields: 10, files: 1, parts: 12, fileSize: maxBytes + 1 } });
    } catch (error) {
      reject(invalidInput(`Unreadable multipart body: ${(error as Error).message}`));
      return;
    }
    const upload: Upload = { fields: {} };
    const reading: Promise<unknown>[] = [];
    let failed = false;
    const fail = (error: AppError): void => {
      if (failed) return;
      failed = true;
      stream.unpipe(parser);
      reject(error);
    };
    parser.on('field', (name, value, { valueTruncated }) => {
      if (valueTruncated) fail(invalidInput(`The form field ${name} is too long.`));
      else if (FIELD_NAMES.has(name)) upload.fields[name] = value;
    });
    parser.on('file', (name, file, info) => {
      if (name !== 'file') {
        file.resume();
        fail(invalidInput(`The form's file part must be named file (got ${name}).`));
        return;
      }
      const stop = (): void => fail(tooLarge(maxBytes, 'The file'));
      reading.push(
        readCapped(file, maxBytes, 'The file', stop).then(
          (data) => (upload.file = { data, filename: info.filename, mimetype: info.mimeType }),
          (error: unknown) => fail(error instanceof AppError ? error : invalidInput('The uploaded file could not be read.')),
        ),
      );
    });
    for (const limit of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const) {
      parser.on(limit, () => fail(invalidInput('The form has too many parts: phone_number, caption, as_voice and one file.')));
    }
    parser.on('error', (error) => fail(invalidInput(`Unreadable multipart body: ${error.message}`)));
    parser.on('close', () => void Promise.all(reading).then(() => !failed && resolve(upload)));
    stream.pipe(parser);
  });
}

/** A form's text `as_voice` as JSON's boolean; anything else is left for the rules to refuse. */
const formBoolean = (value: string | undefined): unknown => (value === 'true' ? true : value === 'false' ? false : value);

/**
 * The media route's body: JSON with room for a base64 file of WHATSAPP_MEDIA_MAX_BYTES, or a multipart
 * upload read with the cap enforced while streaming. An upload becomes the JSON form of the same request
 * (its file as base64), so validation, idempotency fingerprints and the service see one shape.
 */
export function mediaBody(maxBytes: number): RequestHandler {
  const jsonLimit = Math.ceil(maxBytes / 3) * 4 + FIELDS_ROOM;
  const parseJson = json({ limit: jsonLimit });
  return (request: Request, response: Response, next: NextFunction) => {
    if (request.is('application/json')) {
      parseJson(request, response, (error?: unknown) => {
        const type = (error as { type?: string } | undefined)?.type;
        next(type === 'entity.too.large' ? tooLarge(maxBytes, 'The body (base64) holds a file that') : error);
      });
      return;
    }
    if (!request.is('multipart/form-data')) return next();
    readMultipart(request, request.headers, maxBytes).then(
      ({ fields, file }) => {
        request.body = {
          phone_number: fields.phone_number,
          ...(fields.caption !== undefined && { caption: fields.caption }),
          ...(fields.as_voice !== undefined && { as_voice: formBoolean(fields.as_voice) }),
          media: file && { data: file.data.toString('base64'), mimetype: file.mimetype, filename: file.filename },
        };
        next();
      },
      (error: unknown) => {
        // As body-parser does: the rest is read and dropped (never kept) so the client gets the answer.
        response.setHeader('Connection', 'close');
        request.resume();
        let answered = false;
        const answer = (): void => {
          if (!answered) next(error);
          answered = true;
        };
        if (request.readableEnded) answer();
        else request.once('end', answer).once('close', answer);
      },
    );
  };
}
