import { Module } from '@nestjs/common';
import { SqliteConnection } from '../database/sqlite-connection.js';
import { MessagingModule } from '../messaging/messaging.module.js';
import { Clock, SystemClock } from '../whatsapp/clock.js';
import { WhatsAppModule } from '../whatsapp/whatsapp.module.js';
import { OutboxController } from './outbox.controller.js';
import { OutboxMetrics } from './outbox.metrics.js';
import { OutboxRepository } from './outbox.repository.js';
import { OutboxService } from './outbox.service.js';
import { SqliteOutboxRepository } from './outbox.sqlite.js';
import { OutboxSettings, OutboxWorker } from './outbox.worker.js';

/** Queued sends. Idempotency-Key on POST comes from IdempotencyModule's app-wide interceptor. */
@Module({
  imports: [WhatsAppModule, MessagingModule],
  controllers: [OutboxController],
  providers: [
    { provide: OutboxRepository, inject: [SqliteConnection], useFactory: (c: SqliteConnection) => new SqliteOutboxRepository(c.db) },
    { provide: OutboxSettings, useFactory: () => new OutboxSettings() },
    { provide: Clock, useClass: SystemClock },
    OutboxService,
    OutboxWorker,
    OutboxMetrics,
  ],
  exports: [OutboxService],
})
export class OutboxModule {}
