import { Injectable } from '@nestjs/common';
import pLimit from 'p-limit';
import { MessagingService } from '../messaging/messaging.service.js';
import type { SendAnswer } from '../messaging/messaging.answers.js';
import { invalidInput } from '../common/app-error.js';
import { WhatsAppService } from '../whatsapp/whatsapp.service.js';
import { tooLarge } from './media-limits.js';
import { decodedLength } from './media-rules.js';
import { identifyMedia } from './media-type.js';
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

  async send(session: string, { phoneDigits, caption, asVoice = false, source }: MediaSend): Promise<SendAnswer> {
    if (asVoice && caption) throw invalidInput('A voice note cannot carry a caption; send the text as its own message.');
    // Nothing is fetched for a client that cannot send.
    await this.whatsapp.session(session).ensureReady();
    const file = 'url' in source ? await this.fetches(() => this.settings.fetcher.fetch(source.url)) : this.decode(source);
    const { media, kind } = await identifyMedia(file, asVoice);
    const options = { caption: caption || undefined, asVoice, asDocument: kind === 'document' };
    return this.messaging.sendWith(session, phoneDigits, options.caption ?? '', (client, chatId) =>
      client.sendMedia(chatId, media, options),
    );
  }

  private decode({ data, mimetype, filename }: { data: string; mimetype: string; filename?: string }): FetchedFile {
    if (decodedLength(data) > this.settings.maxBytes) throw tooLarge(this.settings.maxBytes);
    return { data: Buffer.from(data, 'base64'), mimetype, filename };
  }
}
