import type { ApiKeyEntry } from '../config/api-keys-file.js';

/**
 * What security publishes on the in-process bus (`EventEmitter2`). Connections authorised once, when
 * they opened (event streams, MCP sessions), listen to re-check their key, which per-request checks do by themselves.
 */
export const SecurityTopic = {
  /** The keys file was re-read and its keys are in use (a file refused on reload publishes nothing). */
  keysReloaded: 'security.keys.reloaded',
} as const;

export interface KeysReloaded {
  readonly keys: readonly ApiKeyEntry[];
}
