import { Global, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { urlencoded, type NextFunction, type Request } from 'express';
import { AppExceptionFilter } from '../src/common/app-exception.filter.js';
import { InputPipe } from '../src/common/validation.js';
import { AppConfig, loadAppConfig } from '../src/config/app-config.js';
import { SandboxPhone, type SandboxOptions } from '../src/sandbox/sandbox-phone.js';
import { SANDBOX_LOGIN_ROUTE } from '../src/sandbox/sandbox-routes.js';
import { SandboxModule } from '../src/sandbox/sandbox.module.js';
import { markGrant, OPEN_ACCESS } from '../src/security/access.js';
import { ApiKeys } from '../src/security/api-keys.js';

export const SANDBOX_TEST_KEY = 'sandbox-test-key-123';

/**
 * The sandbox's routes alone on a small Nest app with the real global pipe and filter (the whole
 * server with the sandbox is AppModule.register('on')). Requests carrying `x-test-auth: no` look as if the key was missing; every
 * other request as if it was given. `phone` replaces the phone the module would start.
 */
export async function createSandboxApp(options: SandboxOptions, phone?: SandboxPhone): Promise<NestExpressApplication> {
  const config = loadAppConfig({ WHATSAPP_API_KEY: SANDBOX_TEST_KEY, LOG_LEVEL: 'silent' });
  @Global()
  @Module({ providers: [{ provide: AppConfig, useValue: config }, ApiKeys], exports: [AppConfig, ApiKeys] })
  class TestConfigModule {}
  // ApiKeys publishes its reloads on the bus.
  let builder = Test.createTestingModule({ imports: [TestConfigModule, EventEmitterModule.forRoot(), SandboxModule.register(options)] });
  if (phone) builder = builder.overrideProvider(SandboxPhone).useValue(phone);
  const moduleRef = await builder.compile();
  moduleRef.useLogger(false);
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
  app.use((req: Request, _res: unknown, next: NextFunction) => {
    markGrant(req, req.header('x-test-auth') !== 'no' ? OPEN_ACCESS : null);
    next();
  });
  app.useBodyParser('json', { limit: '1mb' });
  app.use(SANDBOX_LOGIN_ROUTE, urlencoded({ limit: '4kb', extended: false }));
  app.useGlobalPipes(new InputPipe());
  app.useGlobalFilters(new AppExceptionFilter());
  await app.init();
  return app;
}
