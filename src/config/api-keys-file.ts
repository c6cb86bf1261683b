import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SESSION_NAME_PATTERN } from '../common/session-name.js';

/** What a key may do: `read` (status, chats, messages, search, events, QR), `send` (send, outbox), `admin` (the rest). */
export const SCOPES = ['read', 'send', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Every session, in a key's `sessions`. */
export const ALL_SESSIONS = '*';

/** One key as the server holds it: never the key itself, only its SHA-256. */
export interface ApiKeyEntry {
  readonly name: string;
  readonly digest: Buffer;
  readonly scopes: readonly Scope[];
  /** Session names, or `*` for every session. */
  readonly sessions: readonly string[];
}

/** The name WHATSAPP_API_KEY goes by (in the access log): it has every scope and every session. */
export const ENV_KEY_NAME = 'env';

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/i;
const FIELDS = new Set(['name', 'key_sha256', 'scopes', 'sessions']);

export const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

export function envKeyEntry(key: string): ApiKeyEntry {
  return { name: ENV_KEY_NAME, digest: sha256(key), scopes: SCOPES, sessions: [ALL_SESSIONS] };
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** One entry of the file, or the reason it is refused (without the entry's name: the caller adds where it is). */
function parseEntry(raw: unknown): ApiKeyEntry | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'must be an object';
  const entry = raw as Record<string, unknown>;
  const extra = Object.keys(entry).filter((field) => !FIELDS.has(field));
  if (extra.length > 0) return `has unknown fields (${extra.join(', ')}); allowed: ${[...FIELDS].join(', ')}`;
  if (typeof entry.name !== 'string' || !KEY_NAME.test(entry.name)) {
    return 'needs a name of 1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit';
  }
  if (typeof entry.key_sha256 !== 'string' || !SHA256_HEX.test(entry.key_sha256)) {
    return 'needs key_sha256: the SHA-256 of the key as 64 hex digits (printf %s "$KEY" | sha256sum)';
  }
  if (!isStringArray(entry.scopes) || entry.scopes.length === 0) return `needs scopes: a non-empty list of ${SCOPES.join(', ')}`;
  const unknown = entry.scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0) return `has unknown scopes (${unknown.join(', ')}); known: ${SCOPES.join(', ')}`;
  if (!isStringArray(entry.sessions) || entry.sessions.length === 0) return 'needs sessions: a non-empty list of session names, or ["*"]';
  const bad = entry.sessions.filter((session) => session !== ALL_SESSIONS && !SESSION_NAME_PATTERN.test(session));
  if (bad.length > 0)
    return `has bad session names (${bad.map((name) => JSON.stringify(name.slice(0, 40))).join(', ')}): ${SESSION_NAME_PATTERN}`;
  return {
    name: entry.name,
    digest: Buffer.from(entry.key_sha256, 'hex'),
    scopes: [...new Set(entry.scopes as Scope[])],
    sessions: entry.sessions.includes(ALL_SESSIONS) ? [ALL_SESSIONS] : [...new Set(entry.sessions)],
  };
}

/**
 * The keys file's text with WHATSAPP_API_KEY's entry (when set): every entry valid, no two with one
 * name or one hash. Throws an Error whose message names the first bad entry.
 */
export function parseApiKeys(text: string, envKey: string | null): ApiKeyEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!Array.isArray(parsed)) throw new Error('must hold a JSON array of keys: [{ "name", "key_sha256", "scopes", "sessions" }]');
  const entries: ApiKeyEntry[] = envKey === null ? [] : [envKeyEntry(envKey)];
  parsed.forEach((raw: unknown, index) => {
    const name = (raw as { name?: unknown } | null)?.name;
    const where = `entry ${index + 1}${typeof name === 'string' ? ` ("${name.slice(0, 64)}")` : ''}`;
    const entry = parseEntry(raw);
    if (typeof entry === 'string') throw new Error(`${where} ${entry}`);
    const twin = entries.find((other) => other.name === entry.name || other.digest.equals(entry.digest));
    if (twin?.name === entry.name)
      throw new Error(`${where}: the name "${entry.name}" is taken${twin.name === ENV_KEY_NAME ? ' by WHATSAPP_API_KEY' : ''}`);
    if (twin) throw new Error(`${where}: the same key as "${twin.name}"`);
    entries.push(entry);
  });
  return entries;
}

/** Reads and parses the file; an Error names the file and what is wrong with it. */
export function readApiKeysFile(path: string, envKey: string | null): ApiKeyEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  try {
    return parseApiKeys(text, envKey);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
}
