import { type DynamicModule, type FactoryProvider, type ModuleMetadata, Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module.js';
import { Clock, SystemClock } from '../whatsapp/clock.js';
import { WhatsAppModule } from '../whatsapp/whatsapp.module.js';
import { OutboxController } from './outbox.controller.js';
import { OutboxRepository } from './outbox.repository.js';
import { OutboxService } from './outbox.service.js';
import { OutboxSettings, OutboxWorker } from './outbox.worker.js';

export interface OutboxModuleOptions {
  /** Modules the repository factory needs (the database's). */
  imports?: ModuleMetadata['imports'];
  /** e.g. `{ useFactory: (c) => new SqliteOutboxRepository(c.db), inject: [SqliteConnection] }`. */
  repository: Omit<FactoryProvider<OutboxRepository>, 'provide'>;
  settings?: Omit<FactoryProvider<OutboxSettings>, 'provide'>;
}

/** Queued sends. Needs the bus (EventEmitterModule) and, for Idempotency-Key on POST, IdempotencyModule. */
@Module({})
export class OutboxModule {
  static register(options: OutboxModuleOptions): DynamicModule {
    return {
      module: OutboxModule,
      imports: [WhatsAppModule, MessagingModule, ...(options.imports ?? [])],
      controllers: [OutboxController],
      providers: [
        { provide: OutboxRepository, ...options.repository },
        { provide: OutboxSettings, ...(options.settings ?? { useFactory: () => new OutboxSettings() }) },
        { provide: Clock, useClass: SystemClock },
        OutboxService,
        OutboxWorker,
      ],
      exports: [OutboxService],
    };
  }
}
