import { existsSync } from 'node:fs';
import { AppError } from '../common/app-error.js';
import type { AppConfig } from '../config/app-config.js';

/**
 * Flags every Chrome we launch gets: no /dev/shm (tiny in containers), no GPU (servers have none),
 * and no sandbox when running as root, where Chrome refuses to start with it. Extra flags from
 * WHATSAPP_CHROME_ARGS come last.
 */
export function chromeFlags(extra: readonly string[], isRoot = process.getuid?.() === 0): string[] {
  const flags = ['--disable-dev-shm-usage', '--disable-gpu', ...(isRoot ? ['--no-sandbox'] : []), ...extra];
  return [...new Set(flags)];
}

/** The configured Chrome, or `browser_unavailable` naming where we looked. */
export function requireChrome(config: Pick<AppConfig, 'chromeExecutable' | 'chromeCandidates'>): string {
  const chrome = config.chromeExecutable;
  if (chrome && existsSync(chrome)) return chrome;
  throw new AppError(
    'browser_unavailable',
    `No Chrome or Chromium found (tried: ${config.chromeCandidates.join(', ')}). ` +
      'Install Chromium or set WHATSAPP_CHROME_EXECUTABLE to its path.',
  );
}
