/** The cache's size limit (WHATSAPP_MEDIA_CACHE_MAX_BYTES, in the `media` configuration section); 0 keeps nothing on disk. */
export class MediaCacheLimit {
  constructor(readonly maxBytes: number) {}
}
