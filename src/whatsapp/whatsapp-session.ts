import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import type { AppConfig } from '../config/app-config.js';
import type { ClientState, ClientStatus } from './client-status.js';
import type { AccountInfo, WhatsAppClient, WhatsAppClientFactory } from './whatsapp-client.port.js';
import { chromeFlags } from './chrome-flags.js';
import { printQrToTerminal } from './terminal-qr.js';

const LOADING: ReadonlySet<ClientState> = new Set(['starting', 'authenticated']);

interface Snapshot {
  qr: string | null;
  account: AccountInfo | null;
  lastError: string | null;
}

/**
 * One linked account (`default` today) and its state machine. `transition` is the only place that
 * changes the state; every change is logged once and announced on `changes` so callers can wait
 * for a state instead of polling.
 */
export class WhatsAppSession {
  private state: ClientState = 'stopped';
  private snapshot: Snapshot = { qr: null, account: null, lastError: null };
  private client: WhatsAppClient | null = null;
  /** Resolves once the previous client's Chrome has gone: a new one must not share its profile. */
  private closing: Promise<void> = Promise.resolve();
  private readonly changes = new EventEmitter();
  private readonly logger: Logger;

  constructor(
    readonly id: string,
    private readonly config: AppConfig,
    private readonly factory: WhatsAppClientFactory,
  ) {
    this.logger = new Logger(`WhatsApp:${id}`);
    this.changes.setMaxListeners(0);
  }

  get currentState(): ClientState {
    return this.state;
  }

  /** The Chrome profile that holds the linked device (whatsapp-web.js LocalAuth). */
  get sessionDir(): string {
    return join(this.config.authDir, `session-${this.id}`);
  }

  hasSavedSession(): boolean {
    return existsSync(this.sessionDir);
  }

  status(): ClientStatus {
    const { qr, account, lastError } = this.snapshot;
    return {
      state: this.state,
      ready: this.state === 'ready',
      authenticated: this.state === 'ready' || this.state === 'authenticated',
      auth_dir: this.config.authDir,
      chrome_executable: this.config.chromeExecutable,
      headless: this.config.headless,
      has_qr: qr !== null,
      last_error: lastError,
      account,
    };
  }

  get qr(): string | null {
    return this.snapshot.qr;
  }

  /**
   * Launches Chrome unless a client is already running. Returns once the launch is under way; a
   * failure of the launch lands in the status (stopped + last_error), only a missing browser throws.
   */
  async start(): Promise<void> {
    await this.closing;
    if (this.client) return;
    const chrome = this.config.chromeExecutable;
    if (!chrome || !existsSync(chrome)) {
      throw new AppError(
        'browser_unavailable',
        `No Chrome or Chromium found (tried: ${this.config.chromeCandidates.join(', ')}). ` +
          'Install Chromium or set WHATSAPP_CHROME_EXECUTABLE to its path.',
      );
    }
    const client = this.factory.create({
      authDir: this.config.authDir,
      clientId: this.id,
      chromeExecutable: chrome,
      headless: this.config.headless,
      chromeArgs: chromeFlags(this.config.chromeArgs),
      webVersion: this.config.webVersion,
      webCacheDir: this.config.webCacheDir,
    });
    this.client = client;
    this.listen(client);
    this.transition('starting', { qr: null, account: null, lastError: null });
    client.initialize().catch((error: unknown) =>
      this.fail(client, 'stopped', `Could not start WhatsApp Web: ${describe(error)}`),
    );
  }

  /** Starts if needed and waits until the state has left `starting` (or the timeout passed). */
  async startAndSettle(timeoutMs: number): Promise<ClientState> {
    await this.start();
    return this.waitFor((state) => state !== 'starting', timeoutMs);
  }

  /** Resolves with the first state that satisfies `accept`, or with the current state after `timeoutMs`. */
  waitFor(accept: (state: ClientState) => boolean, timeoutMs: number): Promise<ClientState> {
    if (accept(this.state)) return Promise.resolve(this.state);
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.changes.off('state', onChange);
        resolve(this.state);
      };
      const onChange = (state: ClientState): void => {
        if (accept(state)) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.changes.on('state', onChange);
    });
  }

  /**
   * The client, once ready. A loading session is waited for; a stopped one with a saved session is
   * started first; anything that cannot become ready by itself fails at once with `not_ready`.
   */
  async ensureReady(): Promise<WhatsAppClient> {
    if ((this.state === 'stopped' || this.state === 'disconnected') && this.hasSavedSession()) await this.start();
    if (LOADING.has(this.state)) await this.waitFor((state) => !LOADING.has(state), this.config.readyTimeoutMs);
    if (this.state === 'ready' && this.client) return this.client;
    throw this.notReady();
  }

  requestPairingCode(phoneDigits: string): Promise<string> {
    if (this.state !== 'qr' || !this.client) throw this.notReady();
    return this.client.requestPairingCode(phoneDigits, true, 180_000);
  }

  /**
   * From any state: revoke the linked device when a client is running, close Chrome, delete the
   * saved session, and end in `stopped` with nothing left over. Returns whether WhatsApp revoked it.
   */
  async logout(): Promise<boolean> {
    const client = this.client;
    let revoked = false;
    if (client) {
      this.client = null;
      if (this.state === 'ready' || this.state === 'authenticated') {
        revoked = await client.logout().then(
          () => true,
          (error: unknown) => {
            this.logger.warn(`Could not revoke the linked device: ${describe(error)}`);
            return false;
          },
        );
      }
      await this.close(client);
    }
    await this.closing;
    await rm(this.sessionDir, { recursive: true, force: true, maxRetries: 4 });
    this.transition('stopped', { qr: null, account: null, lastError: null });
    return revoked;
  }

  /** Closes Chrome and waits for it (shutdown); the saved session stays for the next start. */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return this.closing;
    this.client = null;
    await this.close(client);
    this.transition('stopped', { ...this.snapshot, qr: null });
  }

  notReady(): AppError {
    const state = this.state;
    const error = this.snapshot.lastError;
    const pair =
      'Pair first: request a pairing code (POST /api/pairing-code, or the whatsapp_pairing_code tool) ' +
      'or start auth (POST /api/auth/start) and scan the QR at /qr.';
    const messages: Record<ClientState, string> = {
      stopped: `WhatsApp is not linked (state stopped). ${pair}`,
      qr: 'WhatsApp is waiting to be linked (state qr): scan the QR at /qr or enter a pairing code on the phone.',
      starting: 'WhatsApp Web is still starting (state starting); try again in a few seconds.',
      authenticated: 'WhatsApp Web is still loading the session (state authenticated); try again in a few seconds.',
      ready: 'WhatsApp is ready.',
      auth_failure: `WhatsApp authentication failed (${error}). Log out (POST /api/logout) and pair again.`,
      disconnected: `WhatsApp was disconnected (${error}). Start again (POST /api/auth/start) or log out and pair again.`,
    };
    return new AppError('not_ready', messages[state], { state });
  }

  private listen(client: WhatsAppClient): void {
    const current = (): boolean => this.client === client;
    client.on('qr', (qr) => {
      if (!current()) return;
      this.transition('qr', { ...this.snapshot, qr });
      if (this.config.terminalQr) printQrToTerminal(qr);
    });
    client.on('authenticated', () => {
      if (current()) this.transition('authenticated', { ...this.snapshot, qr: null });
    });
    client.on('ready', () => {
      if (current()) this.transition('ready', { qr: null, account: client.account(), lastError: null });
    });
    client.on('auth_failure', (message) => {
      void this.fail(client, 'auth_failure', `Authentication failed: ${message}`);
    });
    client.on('disconnected', (reason) => {
      void this.fail(client, 'disconnected', `Disconnected from WhatsApp: ${reason}`);
    });
    client.on('change_state', (state) => {
      if (current()) this.logger.log(`WhatsApp connection state: ${state}`);
    });
  }

  /** A client that failed is closed (its Chrome must not linger) before the new state is announced. */
  private async fail(client: WhatsAppClient, state: ClientState, lastError: string): Promise<void> {
    if (this.client !== client) return;
    this.client = null;
    await this.close(client);
    this.transition(state, { qr: null, account: null, lastError });
  }

  private close(client: WhatsAppClient): Promise<void> {
    this.closing = client.destroy().catch((error: unknown) => {
      this.logger.warn(`Closing Chrome failed: ${describe(error)}`);
    });
    return this.closing;
  }

  private transition(state: ClientState, snapshot: Snapshot): void {
    const previous = this.state;
    this.state = state;
    this.snapshot = snapshot;
    if (previous !== state) {
      const reason = snapshot.lastError ? ` (${snapshot.lastError})` : '';
      this.logger.log(`state ${previous} -> ${state}${reason}`);
    }
    this.changes.emit('state', state);
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
