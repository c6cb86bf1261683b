/*
 * The headers a downloaded file is served with. The type and the file name come from other people
 * (whoever sent the file), so neither may make a browser run it as a page of this server: only
 * images, audio and video are shown inline, and SVG (an image that can carry script) is not.
 */

const OCTET_STREAM = 'application/octet-stream';
/** `type/subtype` with optional `; name=value` parameters (RFC 9110 tokens, quoted values allowed). */
const MEDIA_TYPE = /^[a-z0-9][\w!#$&^.+-]{0,126}\/[a-z0-9][\w!#$&^.+-]{0,126}(\s*;\s*[\w!#$&^.+-]+=("[^"\\\r\n]*"|[\w!#$&^.+-]+))*$/i;
const INLINE = /^(image|audio|video)\//;
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'application/pdf': 'pdf',
};

/** The announced type when it is a well-formed media type, else `application/octet-stream`. */
export function contentType(mimetype: string): string {
  return MEDIA_TYPE.test(mimetype.trim()) ? mimetype.trim() : OCTET_STREAM;
}

const essence = (mimetype: string): string => contentType(mimetype).split(';')[0].trim().toLowerCase();

/** Shown in the browser (images, audio, video except SVG), or saved as a file (everything else). */
export function isInline(mimetype: string): boolean {
  const type = essence(mimetype);
  return INLINE.test(type) && type !== 'image/svg+xml';
}

/** The last part of a path, without control characters; null when nothing is left. */
function baseName(filename: string | null): string | null {
  const name = (filename ?? '')
    .split(/[/\\]/)
    .pop()!
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .trim()
    .slice(0, 200);
  return name === '' || name === '.' || name === '..' ? null : name;
}

/** A name for a file that came without one: `whatsapp-<end of the message id>.<extension of its type>`. */
function fallbackName(mimetype: string, messageId: string): string {
  const extension = EXTENSIONS[essence(mimetype)];
  const tail = messageId.replace(/[^A-Za-z0-9]/g, '').slice(-12) || 'media';
  return `whatsapp-${tail}${extension ? `.${extension}` : ''}`;
}

/** RFC 8187's encoding for `filename*`: UTF-8, percent-encoded beyond the attribute characters. */
const extValue = (name: string): string =>
  encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * RFC 6266 `Content-Disposition`: `filename` is an ASCII stand-in (quotes, backslashes, percent
 * signs and anything outside printable ASCII replaced, no leading dot), `filename*` the real name.
 */
export function contentDisposition(mimetype: string, filename: string | null, messageId: string): string {
  const name = baseName(filename) ?? fallbackName(mimetype, messageId);
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_').replace(/^\./, '_');
  return `${isInline(mimetype) ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${extValue(name)}`;
}
