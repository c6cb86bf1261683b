import { Injectable } from '@nestjs/common';
import { AppError, invalidInput, whatsappFailure } from '../../common/app-error.js';
import { AppConfig } from '../../config/app-config.js';
import { MessageStoreRepository } from '../../store/message-store.repository.js';
import { isMessageId } from '../../store/search-rules.js';
import { MESSAGE_ID_PARAM_RULE } from '../../store/store.service.js';
import { WhatsAppService } from '../../whatsapp/whatsapp.service.js';
import { MediaCache, type MediaContent } from './media-cache.js';

/**
 * A message's file: from the cache when it holds it (also while WhatsApp is disconnected), else
 * downloaded through the session's client and kept. Shared by REST and MCP. Concurrent requests
 * for one file share one download.
 */
@Injectable()
export class MediaDownloadService {
  private readonly inFlight = new Map<string, Promise<MediaContent>>();

  constructor(
    private readonly config: AppConfig,
    private readonly whatsapp: WhatsAppService,
    private readonly cache: MediaCache,
    private readonly store: MessageStoreRepository,
  ) {}

  async file(session: string, messageId: string): Promise<MediaContent> {
    if (!isMessageId(messageId)) throw invalidInput(MESSAGE_ID_PARAM_RULE);
    const live = this.whatsapp.session(session);
    const cached = await this.cache.get(session, messageId);
    if (cached) return cached;
    const key = `${session}\n${messageId}`;
    let download = this.inFlight.get(key);
    if (!download) {
      download = this.download(live.id, messageId).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, download);
    }
    return download;
  }

  private async download(session: string, messageId: string): Promise<MediaContent> {
    const stored = this.config.store === 'off' ? null : this.store.get(session, messageId);
    if (stored && !stored.has_media) throw noMedia(messageId);
    const max = this.config.mediaDownloadMaxBytes;
    if ((stored?.media?.size ?? 0) > max) {
      throw new AppError(
        'payload_too_large',
        `The file of message ${messageId} is ${stored!.media!.size} bytes, over WHATSAPP_MEDIA_DOWNLOAD_MAX_BYTES (${max}).`,
      );
    }
    const generation = this.cache.generation(session);
    const file = await this.whatsapp
      .session(session)
      .use((client) => client.downloadMedia(messageId), true)
      .catch(whatsappFailure('download the media'));
    if (!file && stored) throw new AppError('no_media', `WhatsApp no longer has the media of message ${messageId}.`);
    if (!file) throw new AppError('message_not_found', `WhatsApp has no message ${messageId} with media.`);
    return this.cache.keep(session, messageId, file, generation);
  }
}

const noMedia = (messageId: string): AppError => new AppError('no_media', `The message ${messageId} has no media to download.`);
