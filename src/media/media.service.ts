import { Injectable } from '@nestjs/common';
import pLimit from 'p-limit';
import { type Deliver, MessagingService, type Prepare } from '../messaging/messaging.service.js';
import type { SendAnswer } from '../messaging/messaging.answers.js';
import { invalidInput } from '../common/app-error.js';
import { WhatsAppService } from '../whatsapp/whatsapp.service.js';
import { tooLarge } from './media-limits.js';
import { decodedLength } from './media-rules.js';
import { identifyMedia, type IdentifiedMedia } from './media-type.js';
import type { FetchedFile, UrlFetcher } from './url-fetch.js';

/** WHATSAPP_MEDIA_MAX_BYTES and the URL fetcher, as the module builds them. */
export class MediaSettings {
  constructor(
    readonly maxBytes: number,
    readonly fetcher: UrlFetcher,
  ) {}
}

/** A validated media send (the DTOs' rules have passed), from REST's JSON or upload or from the tool. */
export interface MediaSend {
  phoneDigits: string;
  caption?: string;
  asVoice?: boolean;
  source: { url: string } | { data: string; mimetype: string; filename?: string };
}

/**
 * URL fetches at once: each may hold up to WHATSAPP_MEDIA_MAX_BYTES for up to a minute, so many sends
 * with URLs wait their turn rather than pin that much memory each at the same time.
 */
const CONCURRENT_FETCHES = 4;

/** Sending pictures, documents and voice notes: the bytes are fetched or decoded, typed from themselves, then sent as text is. */
@Injectable()
export class MediaService {
  private readonly fetches = pLimit(CONCURRENT_FETCHES);

  constructor(
    private readonly messaging: MessagingService,
    private readonly whatsapp: WhatsAppService,
    private readonly settings: MediaSettings,
  ) {}

  /**
   * Bytes at hand are checked as soon as the client is ready, before the send spends anything on them.
   * A URL gets the guard's checks that need no DNS first (scheme, credentials, localhost, a written
   * address: refused before any traffic), then is resolved, checked and fetched only once the send has passed every cheaper
   * check (ready, sending limits, the number looked up), so a refused send never makes this server fetch.
   */
  async send(session: string, { phoneDigits, caption, asVoice = false, source }: MediaSend): Promise<SendAnswer> {
    if (asVoice && caption) throw invalidInput('A voice note cannot carry a caption; send the text as its own message.');
    const options = { caption: caption || undefined, asVoice };
    const delivery = ({ media, kind }: IdentifiedMedia): Deliver => {
      return (client, chatId) => client.sendMedia(chatId, media, { ...options, asDocument: kind === 'document' });
    };
    let prepare: Prepare;
    if ('url' in source) {
      const { url } = source;
      this.settings.fetcher.precheck(url);
      prepare = async () => delivery(await identifyMedia(await this.fetches(() => this.settings.fetcher.fetch(url)), asVoice));
    } else {
      await this.whatsapp.session(session).ensureReady();
      const deliver = delivery(await identifyMedia(this.decode(source), asVoice));
      prepare = () => Promise.resolve(deliver);
    }
    return this.messaging.sendWith(session, phoneDigits, options.caption ?? '', prepare);
  }

  private decode({ data, mimetype, filename }: { data: string; mimetype: string; filename?: string }): FetchedFile {
    if (decodedLength(data) > this.settings.maxBytes) throw tooLarge(this.settings.maxBytes);
    return { data: Buffer.from(data, 'base64'), mimetype, filename };
  }
}
