import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfig } from '../config/app-config.js';
import { SqliteConnection } from '../database/sqlite-connection.js';
import { Clock, SystemClock } from '../whatsapp/clock.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { IdempotencyService, IdempotencySettings } from './idempotency.service.js';
import { SqliteIdempotencyRepository } from './idempotency.sqlite.js';

/**
 * Idempotency keys for routes marked @Idempotent (its interceptor is app-wide, so a feature
 * module marks a route without importing this one) and IdempotencyService for MCP tools.
 */
@Global()
@Module({
  providers: [
    {
      provide: IdempotencyRepository,
      inject: [SqliteConnection],
      useFactory: (c: SqliteConnection) => new SqliteIdempotencyRepository(c.db),
    },
    {
      provide: IdempotencySettings,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new IdempotencySettings(config.idempotencyTtlHours),
    },
    { provide: Clock, useClass: SystemClock },
    IdempotencyService,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}
