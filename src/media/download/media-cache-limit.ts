import { type Env, integer } from '../../config/env-readers.js';

/** The default of WHATSAPP_MEDIA_CACHE_MAX_BYTES: 1 GiB. */
export const MEDIA_CACHE_DEFAULT_BYTES = 1_073_741_824;

/**
 * The cache's size limit, read here until the `media` configuration section exists (the sending
 * half of issue 16 brings it); 0 keeps nothing on disk.
 */
export class MediaCacheLimit {
  constructor(readonly maxBytes: number) {}

  static fromEnv(env: Env = process.env): MediaCacheLimit {
    return new MediaCacheLimit(integer(env, 'WHATSAPP_MEDIA_CACHE_MAX_BYTES', MEDIA_CACHE_DEFAULT_BYTES, 0, Number.MAX_SAFE_INTEGER));
  }
}
