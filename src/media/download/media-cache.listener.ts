import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { describeError } from '../../common/describe-error.js';
import { WhatsAppTopic, type WhatsAppEventPayloads as Payloads } from '../../whatsapp/whatsapp-events.js';
import { MediaCache } from './media-cache.js';

/** The cache follows the account: its files go with a logout or unlink, a file with a deletion for everyone. */
@Injectable()
export class MediaCacheListener {
  private readonly logger = new Logger('MediaCache');

  constructor(private readonly cache: MediaCache) {}

  @OnEvent(WhatsAppTopic.unlinked)
  async onUnlinked({ session, reason }: Payloads['whatsapp.session.unlinked']): Promise<void> {
    await this.cache
      .wipe(session)
      .then(() => this.logger.log(`Deleted the media files of session ${session} (${reason})`))
      .catch((error: unknown) => this.logger.error(`Could not delete the media files of session ${session}: ${describeError(error)}`));
  }

  @OnEvent(WhatsAppTopic.revoked)
  async onRevoked({ session, id }: Payloads['whatsapp.message.revoked']): Promise<void> {
    await this.cache
      .remove(session, id)
      .catch((error: unknown) => this.logger.warn(`Could not delete a revoked file: ${describeError(error)}`));
  }
}
