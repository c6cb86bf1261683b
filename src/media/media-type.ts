import { invalidInput } from '../common/app-error.js';
import type { OutgoingMedia } from '../whatsapp/whatsapp-client.port.js';

/** What a file becomes on WhatsApp: shown inline (image, video, audio) or a document with its name. */
export type MediaKind = 'image' | 'video' | 'audio' | 'document';

/** Types WhatsApp shows inline; any other recognised type travels as a document. */
const INLINE: Record<string, MediaKind> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'image',
  'image/gif': 'image',
  'video/mp4': 'video',
  'video/3gpp': 'video',
  'audio/ogg; codecs=opus': 'audio',
  'audio/ogg': 'audio',
  'audio/mpeg': 'audio',
  'audio/mp4': 'audio',
  'audio/aac': 'audio',
  'audio/x-m4a': 'audio',
  'audio/amr': 'audio',
};

export interface IdentifiedMedia {
  media: OutgoingMedia;
  kind: MediaKind;
}

/** Bytes that are text: valid UTF-8 with no NUL and no other control character than tab and line breaks. */
function looksLikeText(data: Buffer): boolean {
  const sample = data.subarray(0, 64 * 1024);
  // A multi-byte character cut at the sample's end is not a fault of the file.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(sample);
  const cut = sample.length < data.length ? 1 : 0;
  return (text.match(/\uFFFD/g)?.length ?? 0) <= cut && !/[^\P{Cc}\t\n\r]/u.test(text);
}

/** Only the essence of a declared type (`text/csv; charset=utf-8` → `text/csv`), lower case. */
const essence = (mimetype: string | undefined): string => (mimetype ?? '').split(';')[0].trim().toLowerCase();

/** A name safe to hand on: no folders, no control characters, at most 255 characters. */
export function safeFilename(name: string | undefined, extension: string | undefined): string {
  const cleaned = (name ?? '')
    .replace(/\p{Cc}/gu, '')
    .replace(/[/\\]/g, '_')
    .trim()
    .slice(0, 255);
  if (cleaned && cleaned !== '.' && cleaned !== '..') return cleaned;
  return extension ? `file.${extension}` : 'file';
}

/**
 * The type is taken from the bytes, never from the caller's word (nor a server's Content-Type): a
 * declared image that is really something else goes as what it is. Bytes no signature matches may
 * keep a declared `text/*` type when they are text; otherwise they are `application/octet-stream`.
 * Either way they travel as a document. A voice note must be audio (OGG/Opus is what WhatsApp plays).
 */
export async function identifyMedia(
  file: { data: Buffer; mimetype?: string; filename?: string },
  asVoice: boolean,
): Promise<IdentifiedMedia> {
  if (file.data.length === 0) throw invalidInput('The media is empty (0 bytes).');
  // Loaded on the first media send: an idle server does not hold the sniffing tables.
  const { fileTypeFromBuffer } = await import('file-type');
  const found = await fileTypeFromBuffer(file.data);
  const declared = essence(file.mimetype);
  let mimetype: string;
  if (found) mimetype = found.mime;
  else if (declared.startsWith('text/') && looksLikeText(file.data)) mimetype = declared;
  else mimetype = 'application/octet-stream';
  const kind = INLINE[mimetype] ?? INLINE[essence(mimetype)] ?? 'document';
  if (asVoice && kind !== 'audio') {
    throw invalidInput(`as_voice needs an audio file (OGG/Opus is best); this file is ${mimetype}.`);
  }
  const extension = found?.ext ?? (mimetype === 'text/plain' ? 'txt' : declared.startsWith('text/') ? declared.slice(5) : undefined);
  return { media: { data: file.data, mimetype, filename: safeFilename(file.filename, extension) }, kind };
}
