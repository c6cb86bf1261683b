/**
 * Flags every Chrome we launch gets: no /dev/shm (tiny in containers), no GPU (servers have none),
 * and no sandbox when running as root, where Chrome refuses to start with it. Extra flags from
 * WHATSAPP_CHROME_ARGS come last.
 */
export function chromeFlags(extra: readonly string[], isRoot = process.getuid?.() === 0): string[] {
  const flags = ['--disable-dev-shm-usage', '--disable-gpu', ...(isRoot ? ['--no-sandbox'] : []), ...extra];
  return [...new Set(flags)];
}
