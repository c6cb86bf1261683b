import type { RpcMessage } from './control-server.js';
import { randomHex } from './ids.js';
import type { IncomingMedia, NetMedia } from './types.js';

/**
 * The WhatsApp network's media servers: the bytes of each file a contact sent, by the `directPath`
 * the message carries. The page downloads them (op `media`) when the library's downloadMedia() asks.
 */
export class MediaVault {
  private readonly files = new Map<string, Buffer>();

  /** Keeps a file; returns what its message carries. */
  store({ data, mimetype, filename }: IncomingMedia): NetMedia {
    const bytes = Buffer.from(data, 'base64');
    const directPath = `/v/t62.7118-24/${randomHex(32)}`;
    this.files.set(directPath, bytes);
    return { directPath, mimetype, ...(filename !== undefined && { filename }), size: bytes.length };
  }

  /** The page asks for a file's bytes (base64); undefined for any other op. */
  rpc(msg: RpcMessage): unknown {
    if (msg.op !== 'media') return undefined;
    const bytes = this.files.get(String(msg.directPath));
    if (!bytes) throw new Error(`no media at ${String(msg.directPath)}`);
    return { data: bytes.toString('base64') };
  }
}

/** WhatsApp Web's message type for a file of this type. */
export function mediaType(mimetype: string): string {
  const kind = mimetype.split('/')[0].toLowerCase();
  return ['image', 'video', 'audio'].includes(kind) ? kind : 'document';
}
