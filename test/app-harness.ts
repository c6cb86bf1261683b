import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../src/app.module.js';
import { APP_OPTIONS, configureApp } from '../src/app.setup.js';
import { AppConfig, loadAppConfig } from '../src/config/app-config.js';
import { ROOT_LOGGER } from '../src/logging/root-logger.js';
import type { ClientState } from '../src/whatsapp/client-status.js';
import { WhatsAppClientFactory } from '../src/whatsapp/whatsapp-client.port.js';
import { WhatsAppService } from '../src/whatsapp/whatsapp.service.js';
import { FakeWhatsApp, reachState } from './fake-whatsapp.js';
import { tempDir } from './temp-dirs.js';

export interface TestApp {
  app: NestExpressApplication;
  fake: FakeWhatsApp;
  config: AppConfig;
  whatsapp: WhatsAppService;
  /** Makes the default session look saved on disk, as after an earlier pairing. */
  saveSession(): void;
  /** Resolves once the default session is in `state`; throws after 2 s, naming the state it is in. */
  reached(state: ClientState): Promise<ClientState>;
  /** Pairs as a phone would, through the fake: POST /api/auth/start, scan, ready. */
  pair(headers?: Record<string, string>): Promise<void>;
}

/**
 * The real AppModule with its real pipes and filters, the fake port bound in place of the
 * whatsapp-web.js adapter. Chrome "exists" (the node binary stands in for it) unless overridden.
 * Logs are silent unless `options.logger` (a pino logger) is given to capture them. With
 * `WHATSAPP_SANDBOX: 'true'` in `env`, the app is the sandbox's (a real sandbox phone, the fake client).
 * `options.imports` adds modules beside AppModule; `options.fake` is a world prepared before boot.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { logger?: object; imports?: ModuleMetadata['imports']; fake?: FakeWhatsApp } = {},
): Promise<TestApp> {
  const authDir = tempDir('wa-auth-');
  const config = loadAppConfig({
    WHATSAPP_AUTH_DIR: authDir,
    WHATSAPP_DATA_DIR: tempDir('wa-data-'),
    WHATSAPP_CHROME_EXECUTABLE: process.execPath,
    WHATSAPP_START_TIMEOUT_MS: '2000',
    WHATSAPP_READY_TIMEOUT_MS: '2000',
    WHATSAPP_TERMINAL_QR: 'false',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const fake = options.fake ?? new FakeWhatsApp();
  let builder = Test.createTestingModule({ imports: [config.sandbox ? AppModule.register('on') : AppModule, ...(options.imports ?? [])] })
    .overrideProvider(AppConfig)
    .useValue(config);
  if (options.logger) builder = builder.overrideProvider(ROOT_LOGGER).useValue(options.logger);
  const moduleRef = await builder.overrideProvider(WhatsAppClientFactory).useValue(fake).compile();
  moduleRef.useLogger(false);
  const app = configureApp(moduleRef.createNestApplication<NestExpressApplication>(APP_OPTIONS));
  await app.init();
  const whatsapp = app.get(WhatsAppService);
  const reached = (state: ClientState) => reachState(whatsapp.session(), state, 2000);
  return {
    app,
    fake,
    config,
    whatsapp,
    saveSession: () => mkdirSync(join(authDir, 'session-default'), { recursive: true }),
    reached,
    async pair(headers = {}) {
      await request(app.getHttpServer()).post('/api/auth/start').set(headers).expect(200);
      fake.current.scan();
      await reached('ready');
    },
  };
}
