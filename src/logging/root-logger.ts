import { pino, type Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';

/** The one pino logger: Nest's Logger and the access log both write through it. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * JSON lines by default (LOG_FORMAT=json), human-readable with LOG_FORMAT=pretty. On stdout, except
 * in stdio MCP mode, where stdout carries protocol messages only and logs go to stderr.
 */
export function createRootLogger(config: AppConfig): Logger {
  const fd = config.mode === 'stdio' ? 2 : 1;
  // A sandbox's every line says so, so its logs are never taken for a real account's.
  const options = { level: config.logLevel, base: { service: 'whatsapp-mcp-api', ...(config.sandbox ? { sandbox: true } : {}) } };
  if (config.logFormat === 'pretty') {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { destination: fd, colorize: fd === 1 ? process.stdout.isTTY : process.stderr.isTTY } },
    });
  }
  return pino(options, pino.destination({ fd, sync: false }));
}
