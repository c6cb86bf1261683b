import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { format } from 'node:util';
import { Logger } from '@nestjs/common';
import { Logger as PinoLogger } from 'nestjs-pino';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { APP_OPTIONS, configureApp, SHUTDOWN_SIGNALS } from './app.setup.js';
import { describeError } from './common/describe-error.js';
import { AppConfig, assertSafeBinding, ConfigError, isLoopbackHost, loadAppConfig } from './config/app-config.js';
import { serveStdio } from './mcp/mcp-stdio.js';

const appModule = (config: AppConfig) => AppModule.register(config.sandbox ? 'on' : 'off');

async function bootstrapHttp(loaded: AppConfig): Promise<void> {
  const app = configureApp(await NestFactory.create<NestExpressApplication>(appModule(loaded), { ...APP_OPTIONS, bufferLogs: true }));
  const config = app.get(AppConfig);
  await app.listen(config.port, config.host);
  if (!config.apiKey && !config.apiKeysFile && isLoopbackHost(config.host)) {
    new Logger('Security').warn('No WHATSAPP_API_KEY set: any program on this machine can use the API. Set one before exposing the port.');
  }
  const sandbox = config.sandbox ? ', sandbox page at /sandbox' : '';
  new Logger('Bootstrap').log(`Listening on ${await app.getUrl()} (MCP at /mcp, QR page at /qr${sandbox})`);
}

/** `--stdio`: the MCP tools over stdin/stdout, no HTTP server. stdout carries MCP messages only. */
async function bootstrapStdio(config: AppConfig): Promise<void> {
  // A dependency that logs with console.log/info/debug must not corrupt the protocol stream.
  const toStderr = (...args: unknown[]) => void process.stderr.write(`${format(...args)}\n`);
  // eslint-disable-next-line no-console -- the one place that redirects the console, it does not print
  console.log = console.info = console.debug = toStderr;
  // The root logger writes to stderr in this mode (see createRootLogger).
  const app = await NestFactory.createApplicationContext(appModule(config), { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks(SHUTDOWN_SIGNALS);
  await serveStdio(app);
  new Logger('Bootstrap').log('MCP server on stdio (logs on stderr)');
}

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  // Validate before Nest boots, so a bad variable stops the process with one clear line.
  const config = loadAppConfig();
  if (config.mode === 'stdio') return bootstrapStdio(config);
  assertSafeBinding(config);
  return bootstrapHttp(config);
}

// whatsapp-web.js fires some page work without awaiting it (e.g. after an unlink, or when it
// destroys itself on CONFLICT); a rejection there must not take the whole server down.
process.on('unhandledRejection', (reason: unknown) => {
  new Logger('Process').error(`Unhandled rejection: ${describeError(reason)}`);
});

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
