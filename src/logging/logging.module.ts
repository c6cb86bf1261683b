import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { createRootLogger, ROOT_LOGGER } from './root-logger.js';

/**
 * Nest's Logger on pino (nestjs-pino), sharing the root logger with the access log that
 * configureApp installs at the very front (so requests refused before routing are logged too).
 */
@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ROOT_LOGGER],
      providers: [{ provide: ROOT_LOGGER, inject: [AppConfig], useFactory: createRootLogger }],
      useFactory: (logger: Logger) => ({ pinoHttp: { logger, autoLogging: false, quietReqLogger: true } }),
    }),
  ],
  exports: [LoggerModule],
})
export class LoggingModule {}
