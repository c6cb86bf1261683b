import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Typed, validated configuration. Built once at boot from the environment; a bad value stops the
 * process with a message that names the variable (see ConfigError).
 */
export class AppConfig {
  readonly host!: string;
  readonly port!: number;
  /** Absolute base folder of saved sessions; the session itself is `<authDir>/session-default`. */
  readonly authDir!: string;
  /** Chrome/Chromium binary, or null when none was configured or found. */
  readonly chromeExecutable!: string | null;
  /** Every path looked at to find Chrome, in order (for the browser_unavailable message). */
  readonly chromeCandidates!: string[];
  readonly headless!: boolean;
  /** Extra Chrome flags from WHATSAPP_CHROME_ARGS. */
  readonly chromeArgs!: string[];
  readonly webVersion!: string | null;
  readonly webCacheDir!: string | null;
  readonly startTimeoutMs!: number;
  readonly readyTimeoutMs!: number;
  /** Print each new QR to the terminal (stderr) for scanning from the logs. */
  readonly terminalQr!: boolean;
  /** Start Chrome at boot: `auto` when a linked session is saved, `always`, or `never`. */
  readonly autoStart!: AutoStart;
  /** A start (or a reconnection) stuck this long counts as a failure and is recovered. */
  readonly startStuckMs!: number;
  /** Automatic restarts back off from min to max (doubling, with jitter). */
  readonly restartMinMs!: number;
  readonly restartMaxMs!: number;
  /** Required on every route but liveness when set (X-Api-Key or Authorization: Bearer). */
  readonly apiKey!: string | null;
  /** Browser origins allowed to call the API (CORS and the Origin check); none by default. */
  readonly allowedOrigins!: string[];
  /** Host names accepted besides localhost, 127.0.0.1 and [::1] (a reverse proxy's name). */
  readonly allowedHosts!: string[];
  /** Sends allowed per window overall and to one recipient, and pairing-code requests per window; 0 = no limit. */
  readonly sendLimit!: number;
  readonly recipientLimit!: number;
  readonly sendWindowMs!: number;
  readonly pairingLimit!: number;
  readonly pairingWindowMs!: number;
  /** `stdio` when started with --stdio (MCP on stdin/stdout, logs on stderr), else `http`. */
  readonly mode!: 'http' | 'stdio';
  readonly logLevel!: LogLevel;
  readonly logFormat!: 'json' | 'pretty';
  /** MCP over HTTP: an idle session is closed after this long. */
  readonly mcpSessionIdleMs!: number;
  /** MCP over HTTP: at most this many open sessions; `initialize` beyond it is refused with 503. */
  readonly mcpMaxSessions!: number;
  /** The webhook from the environment (id `env`), or null. */
  readonly webhookUrl!: string | null;
  /** `whsec_<base64>`; required with the URL. */
  readonly webhookSecret!: string | null;
  /** Event types the environment webhook receives; `['*']` for all. */
  readonly webhookEvents!: string[];
  /** Failed deliveries are retried from min doubling up to max, at most this many attempts in all. */
  readonly webhookRetryMinMs!: number;
  readonly webhookRetryMaxMs!: number;
  readonly webhookMaxAttempts!: number;
  /** One delivery attempt, connect to last byte. */
  readonly webhookTimeoutMs!: number;

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const AUTO_START_MODES = ['auto', 'always', 'never'] as const;
export type AutoStart = (typeof AUTO_START_MODES)[number];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${env[name]}")`);
}

function list(env: Env, name: string): string[] {
  return (text(env, name) ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

function oneOf<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(name, `must be one of ${choices.join(', ')} (got "${env[name]}")`);
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

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return LOOPBACK_HOSTS.has(name) || /^127(\.\d{1,3}){3}$/.test(name);
}

/** Listening beyond loopback without a key would hand the account to the network: refuse to start. */
export function assertSafeBinding(config: AppConfig): void {
  if (!config.apiKey && !isLoopbackHost(config.host)) {
    throw new ConfigError(
      'WHATSAPP_API_KEY',
      `must be set when listening beyond loopback (WHATSAPP_MCP_HOST=${config.host}): anyone who reaches the port could use this WhatsApp account`,
    );
  }
}

/** Event types a webhook may ask for (the contract's table), or `*`. */
export const EVENT_TYPES = [
  'message.received',
  'message.sent',
  'message.ack',
  'message.revoked',
  'message.edited',
  'message.reaction',
  'session.status',
  'webhook.test',
] as const;

/** A webhook secret as Standard Webhooks writes it: `whsec_` and the base64 of 24 to 64 random bytes. */
export function isWebhookSecret(value: string): boolean {
  if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const bytes = Buffer.from(value.slice(6), 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

export function isWebhookUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
}

function webhookSettings(env: Env) {
  const url = text(env, 'WHATSAPP_WEBHOOK_URL') ?? null;
  const secret = text(env, 'WHATSAPP_WEBHOOK_SECRET') ?? null;
  if (url !== null && !isWebhookUrl(url)) {
    throw new ConfigError('WHATSAPP_WEBHOOK_URL', 'must be an http:// or https:// URL without user or password');
  }
  if (url !== null && secret === null) {
    throw new ConfigError('WHATSAPP_WEBHOOK_SECRET', 'must be set with WHATSAPP_WEBHOOK_URL (whsec_ and the base64 of 24 to 64 random bytes)');
  }
  if (secret !== null && !isWebhookSecret(secret)) {
    throw new ConfigError('WHATSAPP_WEBHOOK_SECRET', 'must be whsec_ followed by the base64 of 24 to 64 random bytes');
  }
  const events = list(env, 'WHATSAPP_WEBHOOK_EVENTS');
  const unknown = events.filter((type) => type !== '*' && !(EVENT_TYPES as readonly string[]).includes(type));
  if (unknown.length > 0) {
    throw new ConfigError('WHATSAPP_WEBHOOK_EVENTS', `must list event types (${EVENT_TYPES.join(', ')}) or * (unknown: ${unknown.join(', ')})`);
  }
  const webhookRetryMinMs = integer(env, 'WHATSAPP_WEBHOOK_RETRY_MIN_MS', 5_000, 1, 86_400_000);
  const webhookRetryMaxMs = integer(env, 'WHATSAPP_WEBHOOK_RETRY_MAX_MS', 3_600_000, 1, 7 * 86_400_000);
  if (webhookRetryMaxMs < webhookRetryMinMs) {
    throw new ConfigError('WHATSAPP_WEBHOOK_RETRY_MAX_MS', `must not be below WHATSAPP_WEBHOOK_RETRY_MIN_MS (${webhookRetryMinMs})`);
  }
  return {
    webhookUrl: url,
    webhookSecret: secret,
    webhookEvents: events.length === 0 || events.includes('*') ? ['*'] : [...new Set(events)],
    webhookRetryMinMs,
    webhookRetryMaxMs,
    webhookMaxAttempts: integer(env, 'WHATSAPP_WEBHOOK_MAX_ATTEMPTS', 15, 1, 1_000),
    webhookTimeoutMs: integer(env, 'WHATSAPP_WEBHOOK_TIMEOUT_MS', 10_000, 1, 600_000),
  };
}

export function loadAppConfig(env: Env = process.env, cwd: string = process.cwd(), argv: string[] = process.argv): AppConfig {
  const configuredChrome = text(env, 'WHATSAPP_CHROME_EXECUTABLE');
  const candidates = configuredChrome ? [configuredChrome] : chromeCandidates(env);
  const webCacheDir = text(env, 'WHATSAPP_WEB_CACHE_DIR');
  return new AppConfig({
    host: text(env, 'WHATSAPP_MCP_HOST') ?? '127.0.0.1',
    port: integer(env, 'WHATSAPP_MCP_PORT', 8790, 0, 65535),
    authDir: resolve(cwd, text(env, 'WHATSAPP_AUTH_DIR') ?? '.wwebjs_auth'),
    // A configured path is reported as given even when missing, so the status and the
    // browser_unavailable error can name it.
    chromeExecutable: configuredChrome ?? candidates.find((path) => existsSync(path)) ?? null,
    chromeCandidates: candidates,
    headless: boolean(env, 'WHATSAPP_HEADLESS', true),
    chromeArgs: splitFlags(text(env, 'WHATSAPP_CHROME_ARGS') ?? ''),
    webVersion: text(env, 'WHATSAPP_WEB_VERSION') ?? null,
    webCacheDir: webCacheDir ? resolve(cwd, webCacheDir) : null,
    startTimeoutMs: integer(env, 'WHATSAPP_START_TIMEOUT_MS', 30_000, 1, 600_000),
    readyTimeoutMs: integer(env, 'WHATSAPP_READY_TIMEOUT_MS', 30_000, 1, 600_000),
    // Whoever sees the terminal QR can link their own phone: with a key set, opt in explicitly.
    terminalQr: boolean(env, 'WHATSAPP_TERMINAL_QR', text(env, 'WHATSAPP_API_KEY') === undefined),
    apiKey: text(env, 'WHATSAPP_API_KEY') ?? null,
    allowedOrigins: list(env, 'WHATSAPP_ALLOWED_ORIGINS').map((origin) => origin.replace(/\/+$/, '')),
    allowedHosts: list(env, 'WHATSAPP_ALLOWED_HOSTS').map((host) => host.toLowerCase()),
    sendLimit: integer(env, 'WHATSAPP_SEND_LIMIT', 20, 0, 1_000_000),
    recipientLimit: integer(env, 'WHATSAPP_RECIPIENT_LIMIT', 6, 0, 1_000_000),
    sendWindowMs: integer(env, 'WHATSAPP_SEND_WINDOW_MS', 60_000, 1_000, 86_400_000),
    pairingLimit: integer(env, 'WHATSAPP_PAIRING_LIMIT', 3, 0, 1_000_000),
    pairingWindowMs: integer(env, 'WHATSAPP_PAIRING_WINDOW_MS', 600_000, 1_000, 86_400_000),
    autoStart: oneOf(env, 'WHATSAPP_AUTO_START', AUTO_START_MODES, 'auto'),
    startStuckMs: integer(env, 'WHATSAPP_START_STUCK_MS', 120_000, 1, 3_600_000),
    restartMinMs: integer(env, 'WHATSAPP_RESTART_MIN_MS', 1_000, 1, 3_600_000),
    restartMaxMs: integer(env, 'WHATSAPP_RESTART_MAX_MS', 60_000, 1, 3_600_000),
    mode: argv.includes('--stdio') ? 'stdio' : 'http',
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: oneOf(env, 'LOG_FORMAT', ['json', 'pretty'] as const, 'json'),
    mcpSessionIdleMs: integer(env, 'WHATSAPP_MCP_SESSION_IDLE_MS', 30 * 60_000, 1, 7 * 24 * 3_600_000),
    mcpMaxSessions: integer(env, 'WHATSAPP_MCP_MAX_SESSIONS', 1_000, 1, 1_000_000),
    ...webhookSettings(env),
  });
}
