import { MAX_MESSAGE_LENGTH } from '../common/input-rules.js';

/* The media inputs' rules, as plain functions returning the refusal's text (null: fine); REST and MCP DTOs share them. */

export const MEDIA_RULE = 'media must be { url } or { data, mimetype, filename? } (or a multipart part named file)';
export const URL_RULE = 'url must be an absolute http:// or https:// URL of at most 2048 characters';
export const DATA_RULE = 'data must be the file in base64 (A-Z, a-z, 0-9, +, /, = padding; no line breaks)';
export const MIMETYPE_RULE = 'mimetype must be a MIME type such as image/png (it is a hint: the type is read from the bytes)';
export const FILENAME_RULE = 'filename must be 1 to 255 characters';
export const CAPTION_RULE = `caption must be a string of at most ${MAX_MESSAGE_LENGTH} characters`;
export const AS_VOICE_RULE = 'as_voice must be true or false';
export const ONE_SOURCE_RULE = 'give either url, or data with mimetype';

/** No groups: a repeated group over 20 MB of text overflows the regex engine's stack. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MIMETYPE = /^[\w.+-]+\/[\w.+-]+(?:\s*;.{0,200})?$/;

export const urlProblem = (value: unknown): string | null =>
  typeof value === 'string' && value.length <= 2048 && URL.canParse(value) ? null : URL_RULE;

export const dataProblem = (value: unknown): string | null =>
  typeof value === 'string' && value.length % 4 === 0 && BASE64.test(value) ? null : DATA_RULE;

export const mimetypeProblem = (value: unknown): string | null =>
  typeof value === 'string' && value.length <= 255 && MIMETYPE.test(value) ? null : MIMETYPE_RULE;

export const filenameProblem = (value: unknown): string | null =>
  value === undefined || (typeof value === 'string' && value.length >= 1 && value.length <= 255) ? null : FILENAME_RULE;

export const captionProblem = (value: unknown): string | null =>
  value === undefined || (typeof value === 'string' && value.length <= MAX_MESSAGE_LENGTH) ? null : CAPTION_RULE;

export const asVoiceProblem = (value: unknown): string | null => (value === undefined || typeof value === 'boolean' ? null : AS_VOICE_RULE);

/** The JSON body's `media`: `{ url }` or `{ data, mimetype, filename? }`, nothing else. */
export function mediaProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return MEDIA_RULE;
  const media = value as Record<string, unknown>;
  const keys = Object.keys(media);
  if ('url' in media) return keys.length === 1 ? urlProblem(media.url) : MEDIA_RULE;
  if (!('data' in media) || keys.some((key) => !['data', 'mimetype', 'filename'].includes(key))) return MEDIA_RULE;
  return dataProblem(media.data) ?? mimetypeProblem(media.mimetype) ?? filenameProblem(media.filename);
}

/** Bytes a valid base64 text decodes to, without decoding it. */
export const decodedLength = (base64: string): number =>
  (base64.length / 4) * 3 - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
