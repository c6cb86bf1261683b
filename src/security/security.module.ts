import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeys } from './api-keys.js';
import { ScopeGuard } from './scope.guard.js';

/** The keys (ApiKeys, used by the key check and the page forms) and the scope guard on every route. */
@Global()
@Module({
  providers: [ApiKeys, { provide: APP_GUARD, useClass: ScopeGuard }],
  exports: [ApiKeys],
})
export class SecurityModule {}
