import { timingSafeEqual } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { describeError } from '../common/describe-error.js';
import { type ApiKeyEntry, readApiKeysFile, sha256 } from '../config/api-keys-file.js';
import { AppConfig } from '../config/app-config.js';
import { type KeysReloaded, SecurityTopic } from './security-events.js';

/**
 * The keys the server accepts: WHATSAPP_API_KEY's and those of WHATSAPP_API_KEYS_FILE, which is
 * re-read on SIGHUP (a bad new file keeps the keys in use and logs why). New keys are published on the bus
 * (SecurityTopic.keysReloaded), so that connections opened with an old key can end.
 */
@Injectable()
export class ApiKeys implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Security');
  private entries: readonly ApiKeyEntry[];
  private readonly onHangup = () => void this.reload();

  constructor(
    private readonly config: AppConfig,
    private readonly bus: EventEmitter2,
  ) {
    this.entries = config.apiKeys;
  }

  /** With either variable set a key is required, even when the file lists none. */
  get required(): boolean {
    return this.config.apiKey !== null || this.config.apiKeysFile !== null;
  }

  get all(): readonly ApiKeyEntry[] {
    return this.entries;
  }

  /**
   * The entry whose hash is the presented key's. Every entry is compared, in constant time, whatever
   * matched: the time taken does not tell which entry (or whether any) matched.
   */
  match(presented: string | undefined): ApiKeyEntry | null {
    if (presented === undefined) return null;
    const digest = sha256(presented);
    let found: ApiKeyEntry | null = null;
    for (const entry of this.entries) {
      const equal = timingSafeEqual(digest, entry.digest);
      found = equal ? entry : found;
    }
    return found;
  }

  /** Re-reads the keys file; true when the new keys are in use. */
  reload(): boolean {
    const path = this.config.apiKeysFile;
    if (path === null) return false;
    try {
      this.entries = readApiKeysFile(path, this.config.apiKey);
    } catch (error) {
      this.logger.error(`Keys file not reloaded, the keys in use stay: ${describeError(error)}`);
      return false;
    }
    this.logger.log(`Keys file reloaded: ${this.entries.length} keys (${this.entries.map((entry) => entry.name).join(', ')})`);
    this.bus.emit(SecurityTopic.keysReloaded, { keys: this.entries } satisfies KeysReloaded);
    return true;
  }

  /** Only an HTTP server with a keys file listens: elsewhere SIGHUP keeps its default (the process ends with its terminal). */
  onApplicationBootstrap(): void {
    if (this.config.apiKeysFile !== null && this.config.mode === 'http') process.on('SIGHUP', this.onHangup);
  }

  onApplicationShutdown(): void {
    process.off('SIGHUP', this.onHangup);
  }
}
