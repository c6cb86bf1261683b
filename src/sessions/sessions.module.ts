import { Module } from '@nestjs/common';
import { SqliteConnection } from '../database/sqlite-connection.js';
import { Clock, SystemClock } from '../whatsapp/clock.js';
import { WhatsAppModule } from '../whatsapp/whatsapp.module.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';
import { SqliteSessionsRepository } from './sessions.sqlite.js';
import { SessionsTools } from './sessions.tools.js';

/** Several accounts: the sessions routes and tool, and which sessions exist and start at boot. */
@Module({
  imports: [WhatsAppModule],
  controllers: [SessionsController],
  providers: [
    { provide: SessionsRepository, inject: [SqliteConnection], useFactory: (c: SqliteConnection) => new SqliteSessionsRepository(c.db) },
    { provide: Clock, useClass: SystemClock },
    SessionsService,
    SessionsTools,
  ],
  exports: [SessionsService],
})
export class SessionsModule {}
