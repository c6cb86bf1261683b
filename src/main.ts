import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { APP_OPTIONS, configureApp } from './app.setup.js';
import { AppConfig, ConfigError, loadAppConfig } from './config/app-config.js';

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  // Validate before Nest boots, so a bad variable stops the process with one clear line.
  loadAppConfig();
  const app = configureApp(await NestFactory.create<NestExpressApplication>(AppModule, APP_OPTIONS));
  const config = app.get(AppConfig);
  await app.listen(config.port, config.host);
  new Logger('Bootstrap').log(`Listening on ${await app.getUrl()} (MCP at /mcp, QR page at /qr)`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
