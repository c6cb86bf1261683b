import { type DynamicModule, type FactoryProvider, type ModuleMetadata, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Clock, SystemClock } from '../whatsapp/clock.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { IdempotencyService, IdempotencySettings } from './idempotency.service.js';

export interface IdempotencyModuleOptions {
  /** Modules the repository factory needs (the database's). */
  imports?: ModuleMetadata['imports'];
  /** How the repository is made, e.g. `{ useFactory: (c) => new SqliteIdempotencyRepository(c.db), inject: [SqliteConnection] }`. */
  repository: Omit<FactoryProvider<IdempotencyRepository>, 'provide'>;
  /** WHATSAPP_IDEMPOTENCY_TTL_HOURS (24 when not given). */
  settings?: Omit<FactoryProvider<IdempotencySettings>, 'provide'>;
}

/**
 * Idempotency keys for routes marked @Idempotent (its interceptor is app-wide, so a feature
 * module marks a route without importing this one) and IdempotencyService for MCP tools.
 */
@Module({})
export class IdempotencyModule {
  static register(options: IdempotencyModuleOptions): DynamicModule {
    return {
      module: IdempotencyModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: IdempotencyRepository, ...options.repository },
        { provide: IdempotencySettings, ...(options.settings ?? { useFactory: () => new IdempotencySettings() }) },
        { provide: Clock, useClass: SystemClock },
        IdempotencyService,
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [IdempotencyService],
    };
  }
}
