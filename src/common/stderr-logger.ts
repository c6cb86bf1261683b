import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/**
 * Nest's console logger, every level on stderr. In stdio mode stdout carries MCP messages only,
 * and Nest's default logger writes `log`, `warn` and `debug` to stdout.
 */
export class StderrLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack, params);
  }
}
