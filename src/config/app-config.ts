import {
  readAccess,
  readBrowser,
  readData,
  readLimits,
  readMedia,
  readMcp,
  readRecovery,
  readSandbox,
  readSessions,
  readServer,
  readStore,
  readWebhooks,
} from './config-sections.js';
import { ConfigError, type Env } from './env-readers.js';

export { AUTO_START_MODES, type AutoStart, chromeCandidates, LOG_LEVELS, type LogLevel, splitFlags } from './config-sections.js';
export { ConfigError } from './env-readers.js';

/** Every part of the configuration, each read and validated by its own reader (see config-sections.ts). */
export const CONFIG_SECTIONS = {
  server: (env: Env, _cwd: string, argv: string[]) => readServer(env, argv),
  browser: (env: Env, cwd: string) => readBrowser(env, cwd),
  recovery: (env: Env) => readRecovery(env),
  access: (env: Env, cwd: string) => readAccess(env, cwd),
  limits: (env: Env) => readLimits(env),
  mcp: (env: Env) => readMcp(env),
  data: (env: Env, cwd: string) => readData(env, cwd),
  webhooks: (env: Env) => readWebhooks(env),
  store: (env: Env) => readStore(env),
  sandbox: (env: Env, cwd: string) => readSandbox(env, cwd),
  sessions: (env: Env) => readSessions(env),
  media: (env: Env) => readMedia(env),
};

type SectionValues = { [K in keyof typeof CONFIG_SECTIONS]: ReturnType<(typeof CONFIG_SECTIONS)[K]> };

export function readConfigSections(env: Env, cwd: string, argv: string[]): SectionValues {
  return Object.fromEntries(Object.entries(CONFIG_SECTIONS).map(([name, read]) => [name, read(env, cwd, argv)])) as SectionValues;
}

type Sections = ReturnType<typeof readConfigSections>;
type Flat<T> = { readonly [K in keyof T]: T[K] };

/*
 * The class is the injection token the rest of the code asks for; its fields are the union of the
 * sections', declared once in their readers. Object.assign in the constructor sets every one of them,
 * which is what the lint rule against class/interface merging cannot see.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface AppConfig
  extends
    Flat<Sections['server']>,
    Flat<Sections['browser']>,
    Flat<Sections['recovery']>,
    Flat<Sections['access']>,
    Flat<Sections['limits']>,
    Flat<Sections['mcp']>,
    Flat<Sections['data']>,
    Flat<Sections['webhooks']>,
    Flat<Sections['store']>,
    Flat<Sections['sandbox']>,
    Flat<Sections['sessions']>,
    Flat<Sections['media']> {}

/**
 * Typed, validated configuration. Built once at boot from the environment; a bad value stops the
 * process with a message that names the variable (see ConfigError).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class AppConfig {
  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return LOOPBACK_HOSTS.has(name) || /^127(\.\d{1,3}){3}$/.test(name);
}

/** Listening beyond loopback without a key would hand the account to the network: refuse to start. */
export function assertSafeBinding(config: AppConfig): void {
  if (!config.apiKey && !config.apiKeysFile && !isLoopbackHost(config.host)) {
    throw new ConfigError(
      'WHATSAPP_API_KEY',
      `must be set when listening beyond loopback (WHATSAPP_MCP_HOST=${config.host}): anyone who reaches the port could use this WhatsApp account`,
    );
  }
}

export function loadAppConfig(env: Env = process.env, cwd: string = process.cwd(), argv: string[] = process.argv): AppConfig {
  return new AppConfig(Object.assign({}, ...Object.values(readConfigSections(env, cwd, argv))) as AppConfig);
}
