import { AppConfig } from '../../config/app-config.js';
import { Module } from '@nestjs/common';
import { SqliteConnection } from '../../database/sqlite-connection.js';
import { StoreModule } from '../../store/store.module.js';
import { WhatsAppModule } from '../../whatsapp/whatsapp.module.js';
import { MediaCacheLimit } from './media-cache-limit.js';
import { MediaCacheListener } from './media-cache.listener.js';
import { MediaCache } from './media-cache.js';
import { MediaCacheRepository } from './media-cache.repository.js';
import { MediaDownloadController } from './media-download.controller.js';
import { MediaDownloadService } from './media-download.service.js';
import { MediaDownloadTools } from './media-download.tools.js';
import { MediaResource } from './media.resource.js';
import { SqliteMediaCacheRepository } from './sqlite-media-cache.repository.js';

/**
 * Receiving media: a message's file over REST (GET /api/messages/{id}/media) and MCP (a tool and a
 * resource), downloaded through the session's client and kept in a cache on disk.
 */
@Module({
  imports: [WhatsAppModule, StoreModule],
  controllers: [MediaDownloadController],
  providers: [
    {
      provide: MediaCacheRepository,
      inject: [SqliteConnection],
      useFactory: (c: SqliteConnection) => new SqliteMediaCacheRepository(c.db),
    },
    { provide: MediaCacheLimit, inject: [AppConfig], useFactory: (config: AppConfig) => new MediaCacheLimit(config.mediaCacheMaxBytes) },
    MediaCache,
    MediaCacheListener,
    MediaDownloadService,
    MediaDownloadTools,
    MediaResource,
  ],
})
export class MediaDownloadModule {}
