import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../src/app.module.js';
import { APP_OPTIONS, configureApp } from '../src/app.setup.js';
import { AppConfig, loadAppConfig } from '../src/config/app-config.js';
import { WhatsAppClientFactory } from '../src/whatsapp/whatsapp-client.port.js';
import { WhatsAppService } from '../src/whatsapp/whatsapp.service.js';
import { FakeWhatsApp } from './fake-whatsapp.js';

export interface TestApp {
  app: NestExpressApplication;
  fake: FakeWhatsApp;
  config: AppConfig;
  whatsapp: WhatsAppService;
  /** Makes the default session look saved on disk, as after an earlier pairing. */
  saveSession(): void;
}

/**
 * The real AppModule with its real pipes and filters, the fake port bound in place of the
 * whatsapp-web.js adapter. Chrome "exists" (the node binary stands in for it) unless overridden.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const authDir = mkdtempSync(join(tmpdir(), 'wa-auth-'));
  const config = loadAppConfig({
    WHATSAPP_AUTH_DIR: authDir,
    WHATSAPP_CHROME_EXECUTABLE: process.execPath,
    WHATSAPP_START_TIMEOUT_MS: '2000',
    WHATSAPP_READY_TIMEOUT_MS: '2000',
    WHATSAPP_TERMINAL_QR: 'false',
    ...env,
  });
  const fake = new FakeWhatsApp();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(config)
    .overrideProvider(WhatsAppClientFactory)
    .useValue(fake)
    .compile();
  moduleRef.useLogger(false);
  const app = configureApp(moduleRef.createNestApplication<NestExpressApplication>(APP_OPTIONS));
  await app.init();
  const whatsapp = app.get(WhatsAppService);
  return {
    app,
    fake,
    config,
    whatsapp,
    saveSession: () => mkdirSync(join(authDir, 'session-default'), { recursive: true }),
  };
}
