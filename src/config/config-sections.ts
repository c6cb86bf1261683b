import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EVENT_TYPES } from '../common/event-types.js';
import { isWebhookSecret, isWebhookUrl } from '../common/webhook-rules.js';
import { type ApiKeyEntry, envKeyEntry, readApiKeysFile } from './api-keys-file.js';
import { boolean, ConfigError, type Env, integer, list, oneOf, text } from './env-readers.js';

/*
 * The configuration, one reader per concern. Each returns its part of AppConfig, whose fields are
 * declared here once (with their documentation) and nowhere else.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const AUTO_START_MODES = ['auto', 'always', 'never'] as const;
export type AutoStart = (typeof AUTO_START_MODES)[number];

export function readServer(env: Env, argv: string[]) {
  const mode: 'http' | 'stdio' = argv.includes('--stdio') ? 'stdio' : 'http';
  return {
    host: text(env, 'WHATSAPP_MCP_HOST') ?? '127.0.0.1',
    port: integer(env, 'WHATSAPP_MCP_PORT', 8790, 0, 65535),
    /** `stdio` when started with --stdio (MCP on stdin/stdout, logs on stderr), else `http`. */
    mode,
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: oneOf(env, 'LOG_FORMAT', ['json', 'pretty'] as const, 'json'),
  };
}

/**
 * Splits WHATSAPP_CHROME_ARGS on white space; double or single quotes keep a value with spaces in
 * one flag: `--host-resolver-rules="MAP * ~NOTFOUND" --lang=en`.
 */
export function splitFlags(value: string): string[] {
  return (value.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? []).map((flag) => flag.replace(/"([^"]*)"|'([^']*)'/g, '$1$2'));
}

/** Where Chrome or Chromium usually lives, tried in order when WHATSAPP_CHROME_EXECUTABLE is unset. */
export function chromeCandidates(env: Env): string[] {
  const fromPuppeteer = text(env, 'PUPPETEER_EXECUTABLE_PATH');
  const localAppData = text(env, 'LOCALAPPDATA');
  return [
    ...(fromPuppeteer ? [fromPuppeteer] : []),
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
    ...(localAppData ? [`${localAppData}\\Google\\Chrome\\Application\\chrome.exe`] : []),
  ];
}

export function readBrowser(env: Env, cwd: string) {
  const configuredChrome = text(env, 'WHATSAPP_CHROME_EXECUTABLE');
  const candidates = configuredChrome ? [configuredChrome] : chromeCandidates(env);
  const webCacheDir = text(env, 'WHATSAPP_WEB_CACHE_DIR');
  return {
    /** Absolute base folder of saved sessions; the session itself is `<authDir>/session-default`. */
    authDir: resolve(cwd, text(env, 'WHATSAPP_AUTH_DIR') ?? '.wwebjs_auth'),
    /**
     * Chrome/Chromium binary, or null when none was configured or found. A configured path is
     * reported as given even when missing, so the status and the browser_unavailable error can name it.
     */
    chromeExecutable: configuredChrome ?? candidates.find((path) => existsSync(path)) ?? null,
    /** Every path looked at to find Chrome, in order (for the browser_unavailable message). */
    chromeCandidates: candidates,
    headless: boolean(env, 'WHATSAPP_HEADLESS', true),
    /** Extra Chrome flags from WHATSAPP_CHROME_ARGS. */
    chromeArgs: splitFlags(text(env, 'WHATSAPP_CHROME_ARGS') ?? ''),
    webVersion: text(env, 'WHATSAPP_WEB_VERSION') ?? null,
    webCacheDir: webCacheDir ? resolve(cwd, webCacheDir) : null,
    /**
     * Print each new QR to the terminal (stderr) for scanning from the logs. Whoever sees it can link
     * their own phone: with a key set, opt in explicitly.
     */
    terminalQr: boolean(env, 'WHATSAPP_TERMINAL_QR', !text(env, 'WHATSAPP_API_KEY') && !text(env, 'WHATSAPP_API_KEYS_FILE')),
    /** Start Chrome at boot: `auto` when a linked session is saved, `always`, or `never`. */
    autoStart: oneOf(env, 'WHATSAPP_AUTO_START', AUTO_START_MODES, 'auto'),
  };
}

export function readRecovery(env: Env) {
  return {
    startTimeoutMs: integer(env, 'WHATSAPP_START_TIMEOUT_MS', 30_000, 1, 600_000),
    readyTimeoutMs: integer(env, 'WHATSAPP_READY_TIMEOUT_MS', 30_000, 1, 600_000),
    /** A start (or a reconnection) stuck this long counts as a failure and is recovered. */
    startStuckMs: integer(env, 'WHATSAPP_START_STUCK_MS', 120_000, 1, 3_600_000),
    /** Automatic restarts back off from min to max (doubling, with jitter). */
    restartMinMs: integer(env, 'WHATSAPP_RESTART_MIN_MS', 1_000, 1, 3_600_000),
    restartMaxMs: integer(env, 'WHATSAPP_RESTART_MAX_MS', 60_000, 1, 3_600_000),
  };
}

export function readAccess(env: Env, cwd: string) {
  const apiKey = text(env, 'WHATSAPP_API_KEY') ?? null;
  const file = text(env, 'WHATSAPP_API_KEYS_FILE');
  const apiKeysFile = file ? resolve(cwd, file) : null;
  let apiKeys: readonly ApiKeyEntry[] = apiKey === null ? [] : [envKeyEntry(apiKey)];
  if (apiKeysFile !== null) {
    try {
      apiKeys = readApiKeysFile(apiKeysFile, apiKey);
    } catch (error) {
      throw new ConfigError('WHATSAPP_API_KEYS_FILE', (error as Error).message);
    }
  }
  return {
    /** Required on every route but liveness when set (X-Api-Key or Authorization: Bearer): a key with every scope, named `env`. */
    apiKey,
    /** Absolute path of the scoped keys file (re-read on SIGHUP), or null. */
    apiKeysFile,
    /** The keys at boot: WHATSAPP_API_KEY's and the file's. With either variable set a key is required, even if this is empty. */
    apiKeys,
    /** Browser origins allowed to call the API (CORS and the Origin check); none by default. */
    allowedOrigins: list(env, 'WHATSAPP_ALLOWED_ORIGINS').map((origin) => origin.replace(/\/+$/, '')),
    /** Host names accepted besides localhost, 127.0.0.1 and [::1] (a reverse proxy's name). */
    allowedHosts: list(env, 'WHATSAPP_ALLOWED_HOSTS').map((host) => host.toLowerCase()),
  };
}

/** Sends allowed per window overall and to one recipient, and pairing-code requests per window; 0 = no limit. */
export function readLimits(env: Env) {
  return {
    sendLimit: integer(env, 'WHATSAPP_SEND_LIMIT', 20, 0, 1_000_000),
    recipientLimit: integer(env, 'WHATSAPP_RECIPIENT_LIMIT', 6, 0, 1_000_000),
    sendWindowMs: integer(env, 'WHATSAPP_SEND_WINDOW_MS', 60_000, 1_000, 86_400_000),
    pairingLimit: integer(env, 'WHATSAPP_PAIRING_LIMIT', 3, 0, 1_000_000),
    pairingWindowMs: integer(env, 'WHATSAPP_PAIRING_WINDOW_MS', 600_000, 1_000, 86_400_000),
  };
}

export function readMcp(env: Env) {
  return {
    /** MCP over HTTP: an idle session is closed after this long. */
    mcpSessionIdleMs: integer(env, 'WHATSAPP_MCP_SESSION_IDLE_MS', 30 * 60_000, 1, 7 * 24 * 3_600_000),
    /** MCP over HTTP: at most this many open sessions; `initialize` beyond it is refused with 503. */
    mcpMaxSessions: integer(env, 'WHATSAPP_MCP_MAX_SESSIONS', 1_000, 1, 1_000_000),
  };
}

export function readData(env: Env, cwd: string) {
  return {
    /** Absolute folder of the embedded database (events, webhooks, the store, media). */
    dataDir: resolve(cwd, text(env, 'WHATSAPP_DATA_DIR') ?? '.whatsapp-data'),
    /** Stored events older than this are deleted (at boot and then periodically). */
    eventRetentionHours: integer(env, 'WHATSAPP_EVENT_RETENTION_HOURS', 168, 1, 87_600),
    /** An SSE client gets a `: keep-alive` comment at least this often. */
    eventStreamKeepAliveMs: integer(env, 'WHATSAPP_EVENT_STREAM_KEEPALIVE_MS', 15_000, 100, 15_000),
    /** A repeated Idempotency-Key gets the first answer for this long. */
    idempotencyTtlHours: integer(env, 'WHATSAPP_IDEMPOTENCY_TTL_HOURS', 24, 1, 720),
  };
}

export const SANDBOX_LINK_MODES = ['auto', 'qr'] as const;

/**
 * The sandbox (issue 11): a simulated phone in the server's process instead of a real one. Its
 * folder holds the simulated page and the sandbox account's profile, never WHATSAPP_AUTH_DIR.
 */
export function readSandbox(env: Env, cwd: string) {
  const dir = text(env, 'WHATSAPP_SANDBOX_DIR');
  return {
    sandbox: boolean(env, 'WHATSAPP_SANDBOX', false),
    /** `auto`: the phone links every QR by itself; `qr`: it waits for a scan or pairing code from /sandbox. */
    sandboxLink: oneOf(env, 'WHATSAPP_SANDBOX_LINK', SANDBOX_LINK_MODES, 'auto'),
    /** Sample chats the account holds at boot. */
    sandboxChats: integer(env, 'WHATSAPP_SANDBOX_CHATS', 25, 0, 500),
    /** Absolute folder of the sandbox, or null for a temporary one removed when the server stops. */
    sandboxDir: dir ? resolve(cwd, dir) : null,
  };
}

/** The webhook from the environment (id `env`) and the delivery rules of every webhook. */
export function readWebhooks(env: Env) {
  const url = text(env, 'WHATSAPP_WEBHOOK_URL') ?? null;
  const secret = text(env, 'WHATSAPP_WEBHOOK_SECRET') ?? null;
  if (url !== null && !isWebhookUrl(url)) {
    throw new ConfigError('WHATSAPP_WEBHOOK_URL', 'must be an http:// or https:// URL without user or password');
  }
  if (url !== null && secret === null) {
    throw new ConfigError(
      'WHATSAPP_WEBHOOK_SECRET',
      'must be set with WHATSAPP_WEBHOOK_URL (whsec_ and the base64 of 24 to 64 random bytes)',
    );
  }
  if (secret !== null && !isWebhookSecret(secret)) {
    throw new ConfigError('WHATSAPP_WEBHOOK_SECRET', 'must be whsec_ followed by the base64 of 24 to 64 random bytes');
  }
  const events = list(env, 'WHATSAPP_WEBHOOK_EVENTS');
  const unknown = events.filter((type) => type !== '*' && !(EVENT_TYPES as readonly string[]).includes(type));
  if (unknown.length > 0) {
    throw new ConfigError(
      'WHATSAPP_WEBHOOK_EVENTS',
      `must list event types (${EVENT_TYPES.join(', ')}) or * (unknown: ${unknown.join(', ')})`,
    );
  }
  const webhookRetryMinMs = integer(env, 'WHATSAPP_WEBHOOK_RETRY_MIN_MS', 5_000, 1, 86_400_000);
  const webhookRetryMaxMs = integer(env, 'WHATSAPP_WEBHOOK_RETRY_MAX_MS', 3_600_000, 1, 7 * 86_400_000);
  if (webhookRetryMaxMs < webhookRetryMinMs) {
    throw new ConfigError('WHATSAPP_WEBHOOK_RETRY_MAX_MS', `must not be below WHATSAPP_WEBHOOK_RETRY_MIN_MS (${webhookRetryMinMs})`);
  }
  return {
    /** The webhook from the environment (id `env`), or null. */
    webhookUrl: url,
    /** `whsec_<base64>`; required with the URL. */
    webhookSecret: secret,
    /** Event types the environment webhook receives; `['*']` for all. */
    webhookEvents: events.length === 0 || events.includes('*') ? ['*'] : [...new Set(events)],
    /** Failed deliveries are retried from min doubling up to max, at most this many attempts in all. */
    webhookRetryMinMs,
    webhookRetryMaxMs,
    webhookMaxAttempts: integer(env, 'WHATSAPP_WEBHOOK_MAX_ATTEMPTS', 15, 1, 1_000),
    /** One delivery attempt, connect to last byte. */
    webhookTimeoutMs: integer(env, 'WHATSAPP_WEBHOOK_TIMEOUT_MS', 10_000, 1, 600_000),
  };
}

export const STORE_MODES = ['sqlite', 'off'] as const;

/** The message store (src/store) and its background backfill. */
export function readStore(env: Env) {
  return {
    /** `off` stores no message at all: search and stored history answer 409 `store_disabled`. */
    store: oneOf(env, 'WHATSAPP_STORE', STORE_MODES, 'sqlite'),
    /** Messages fetched per chat by the backfill after `ready`; 0 turns the backfill off. */
    backfillMessages: integer(env, 'WHATSAPP_BACKFILL_MESSAGES', 100, 0, 10_000),
    /** Stored messages older than this many days are deleted (at boot, then daily); 0 keeps them forever. */
    storeRetentionDays: integer(env, 'WHATSAPP_STORE_RETENTION_DAYS', 0, 0, 36_500),
  };
}

/** Several accounts in one server (issue 15). */
export function readSessions(env: Env) {
  return {
    /** At most this many sessions, `default` included; creating one more is 409 `too_many_sessions`. */
    maxSessions: integer(env, 'WHATSAPP_MAX_SESSIONS', 10, 1, 1_000),
    /** At boot, at most this many linked sessions start (launching Chrome, loading WhatsApp Web) at once. */
    startConcurrency: integer(env, 'WHATSAPP_START_CONCURRENCY', 2, 1, 64),
  };
}

/** Media (issue 16): what a send may carry and where it may be fetched from, and the cache of received files. */
export function readMedia(env: Env) {
  return {
    /** Largest file a send accepts (upload, base64 or URL), enforced while reading; WhatsApp's own cap is 16 MiB for most media. */
    mediaMaxBytes: integer(env, 'WHATSAPP_MEDIA_MAX_BYTES', 16 * 1_048_576, 1, 100 * 1_048_576),
    /** Let a media URL reach loopback, private, link-local and metadata addresses (a trusted network only). */
    mediaAllowPrivateUrls: boolean(env, 'WHATSAPP_MEDIA_ALLOW_PRIVATE_URLS', false),
    /** Largest received file a download fetches (a document may be 2 GB; it passes through memory once). */
    mediaDownloadMaxBytes: integer(env, 'WHATSAPP_MEDIA_DOWNLOAD_MAX_BYTES', 100 * 1_048_576, 1, 2_147_483_648),
    /** Received files kept in WHATSAPP_DATA_DIR/media, oldest evicted beyond this. */
    mediaCacheMaxBytes: integer(env, 'WHATSAPP_MEDIA_CACHE_MAX_BYTES', 1_073_741_824, 0, 1_099_511_627_776),
  };
}
