import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { SqliteConnection } from '../database/sqlite-connection.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { WhatsAppModule } from '../whatsapp/whatsapp.module.js';
import { DEFAULT_SESSION } from '../whatsapp/whatsapp.service.js';
import { MessageStoreRepository } from './message-store.repository.js';
import { SqliteMessageStoreRepository } from './sqlite-message-store.repository.js';
import { StoreController } from './store.controller.js';
import { BackfillPace, StoreLifecycle } from './store.lifecycle.js';
import { StoreListener } from './store.listener.js';
import { StoreService } from './store.service.js';
import { StoreTools } from './store.tools.js';

/**
 * The message store: fed from the bus (StoreListener) and by the backfill (StoreLifecycle), read by
 * search and history (StoreService). With WHATSAPP_STORE=off the listener is not created at all, so
 * nothing is written, and the reads answer `store_disabled`.
 */
@Module({
  imports: [WhatsAppModule],
  controllers: [StoreController],
  providers: [
    {
      provide: MessageStoreRepository,
      inject: [SqliteConnection],
      useFactory: (c: SqliteConnection) => new SqliteMessageStoreRepository(c.db),
    },
    {
      provide: StoreListener,
      inject: [AppConfig, MessageStoreRepository],
      // A null provider has no @OnEvent handlers for the bus to find.
      useFactory: (config: AppConfig, store: MessageStoreRepository) => (config.store === 'off' ? null : new StoreListener(store)),
    },
    { provide: BackfillPace, useFactory: () => new BackfillPace() },
    StoreLifecycle,
    StoreService,
    StoreTools,
  ],
  exports: [MessageStoreRepository],
})
export class StoreModule {
  /** The gauges show the default session, as the other WhatsApp gauges do. */
  constructor(metrics: MetricsService, lifecycle: StoreLifecycle, config: AppConfig) {
    if (config.store === 'off') return;
    const status = () => lifecycle.status(DEFAULT_SESSION);
    metrics.gauge('store_messages', 'Messages in the message store.', () => status().messages);
    metrics.gauge('store_chats', 'Chats in the message store.', () => status().chats);
    metrics.gauge('store_backfill_progress', 'Share of the current or last backfill pass done (0 to 1).', () => status().progress);
  }
}
