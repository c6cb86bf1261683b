import { ConfigError, loadAppConfig, splitFlags } from './app-config.js';

describe('loadAppConfig', () => {
  it('has the documented defaults', () => {
    const config = loadAppConfig({}, '/srv/app');
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8790,
      authDir: '/srv/app/.wwebjs_auth',
      headless: true,
      chromeArgs: [],
      webVersion: null,
      webCacheDir: null,
      startTimeoutMs: 30_000,
      readyTimeoutMs: 30_000,
      autoStart: 'auto',
      startStuckMs: 120_000,
      restartMinMs: 1_000,
      restartMaxMs: 60_000,
    });
  });

  it('keeps messages by default: store on, 100 per chat backfilled, no retention limit', () => {
    expect(loadAppConfig({})).toMatchObject({ store: 'sqlite', backfillMessages: 100, storeRetentionDays: 0 });
    expect(loadAppConfig({ WHATSAPP_STORE: 'off', WHATSAPP_BACKFILL_MESSAGES: '0', WHATSAPP_STORE_RETENTION_DAYS: '30' })).toMatchObject({
      store: 'off',
      backfillMessages: 0,
      storeRetentionDays: 30,
    });
  });

  it('caps media at 16 MiB, refuses private URLs and caches 512 MiB by default', () => {
    expect(loadAppConfig({})).toMatchObject({ mediaMaxBytes: 16_777_216, mediaAllowPrivateUrls: false, mediaCacheMaxBytes: 1_073_741_824 });
    expect(
      loadAppConfig({ WHATSAPP_MEDIA_MAX_BYTES: '1024', WHATSAPP_MEDIA_ALLOW_PRIVATE_URLS: 'true', WHATSAPP_MEDIA_CACHE_MAX_BYTES: '0' }),
    ).toMatchObject({ mediaMaxBytes: 1024, mediaAllowPrivateUrls: true, mediaCacheMaxBytes: 0 });
  });

  it('reports a configured Chrome path as given, even when missing', () => {
    expect(loadAppConfig({ WHATSAPP_CHROME_EXECUTABLE: '/opt/none/chrome' })).toMatchObject({
      chromeExecutable: '/opt/none/chrome',
      chromeCandidates: ['/opt/none/chrome'],
    });
  });

  it('looks at PUPPETEER_EXECUTABLE_PATH first when nothing is configured', () => {
    const config = loadAppConfig({ PUPPETEER_EXECUTABLE_PATH: process.execPath });
    expect(config.chromeExecutable).toBe(process.execPath);
    expect(config.chromeCandidates.slice(0, 2)).toEqual([process.execPath, '/usr/bin/chromium']);
  });

  it.each([
    [{ WHATSAPP_MCP_PORT: 'eighty' }, 'WHATSAPP_MCP_PORT must be an integer from 0 to 65535 (got "eighty")'],
    [{ WHATSAPP_MCP_PORT: '70000' }, 'WHATSAPP_MCP_PORT must be an integer'],
    [{ WHATSAPP_HEADLESS: 'maybe' }, 'WHATSAPP_HEADLESS must be true or false (got "maybe")'],
    [{ WHATSAPP_AUTO_START: 'sometimes' }, 'WHATSAPP_AUTO_START must be one of auto, always, never (got "sometimes")'],
    [{ WHATSAPP_START_TIMEOUT_MS: '0' }, 'WHATSAPP_START_TIMEOUT_MS must be an integer from 1'],
    [{ WHATSAPP_STORE: 'postgres' }, 'WHATSAPP_STORE must be one of sqlite, off (got "postgres")'],
    [{ WHATSAPP_BACKFILL_MESSAGES: '-1' }, 'WHATSAPP_BACKFILL_MESSAGES must be an integer from 0'],
    [{ WHATSAPP_STORE_RETENTION_DAYS: 'forever' }, 'WHATSAPP_STORE_RETENTION_DAYS must be an integer from 0'],
    [{ WHATSAPP_MEDIA_MAX_BYTES: '0' }, 'WHATSAPP_MEDIA_MAX_BYTES must be an integer from 1'],
    [{ WHATSAPP_MEDIA_ALLOW_PRIVATE_URLS: 'yes please' }, 'WHATSAPP_MEDIA_ALLOW_PRIVATE_URLS must be true or false'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadAppConfig(env)).toThrow(ConfigError);
    expect(() => loadAppConfig(env)).toThrow(`Invalid configuration: ${message}`);
  });
});

describe('splitFlags', () => {
  it('splits on white space and keeps quoted values whole', () => {
    expect(splitFlags(' --lang=en   --host-resolver-rules="MAP * ~NOTFOUND" --x=\'a b\' ')).toEqual([
      '--lang=en',
      '--host-resolver-rules=MAP * ~NOTFOUND',
      '--x=a b',
    ]);
    expect(splitFlags('')).toEqual([]);
  });
});
