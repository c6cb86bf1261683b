import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { MessagingModule } from '../messaging/messaging.module.js';
import { WhatsAppModule } from '../whatsapp/whatsapp.module.js';
import { MediaController } from './media.controller.js';
import { MediaService, MediaSettings } from './media.service.js';
import { MediaTools } from './media.tools.js';
import { httpConnector, UrlFetcher } from './url-fetch.js';
import { systemResolver, UrlGuard } from './url-guard.js';

@Module({
  imports: [MessagingModule, WhatsAppModule],
  controllers: [MediaController],
  providers: [
    MediaService,
    MediaTools,
    {
      provide: MediaSettings,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new MediaSettings(
          config.mediaMaxBytes,
          new UrlFetcher(new UrlGuard(systemResolver, config.mediaAllowPrivateUrls), httpConnector, { maxBytes: config.mediaMaxBytes }),
        ),
    },
  ],
})
export class MediaModule {}
