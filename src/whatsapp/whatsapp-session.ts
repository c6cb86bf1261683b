import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import type { AppConfig } from '../config/app-config.js';
import { chromeFlags } from './chrome-flags.js';
import type { ClientState, ClientStatus } from './client-status.js';
import { notReadyError } from './not-ready.js';
import { recoveryFor, restartDelay, STALLED_CONNECTION_STATES } from './recovery-policy.js';
import { printQrToTerminal } from './terminal-qr.js';
import type { AccountInfo, WhatsAppClient, WhatsAppClientFactory } from './whatsapp-client.port.js';

const LOADING: ReadonlySet<ClientState> = new Set(['starting', 'authenticated']);
/** Written into the profile once the device is linked: a folder without it was never paired. */
export const LINKED_MARKER = 'whatsapp-mcp-api.linked.json';

interface Snapshot {
  qr: string | null;
  account: AccountInfo | null;
  lastError: string | null;
}

/**
 * One linked account (`default` today) and its state machine. `transition` is the only place that
 * changes the state; every change is logged once and announced on `changes` so callers can wait
 * for a state instead of polling. Faults are recovered here: a failed client is closed before the
 * new state is announced, and restarted with backoff while a linked session is saved.
 */
export class WhatsAppSession {
  private state: ClientState = 'stopped';
  private since = new Date();
  private snapshot: Snapshot = { qr: null, account: null, lastError: null };
  private client: WhatsAppClient | null = null;
  /** Resolves once the previous client's Chrome has gone: a new one must not share its profile. */
  private closing: Promise<void> = Promise.resolve();
  private restarts = 0;
  private failures = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private nextRestartAt: Date | null = null;
  /** Fires when a start, or a reconnection while ready, takes longer than WHATSAPP_START_STUCK_MS. */
  private stuckTimer: NodeJS.Timeout | null = null;
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

  get qr(): string | null {
    return this.snapshot.qr;
  }

  /** The Chrome profile that holds the linked device (whatsapp-web.js LocalAuth). */
  get sessionDir(): string {
    return join(this.config.authDir, `session-${this.id}`);
  }

  /** A profile exists (as the original server judged it): a call that needs a ready client may start it. */
  hasSavedSession(): boolean {
    return existsSync(this.sessionDir);
  }

  /** The profile holds a device that was linked: worth starting at boot and restarting after faults. */
  isLinked(): boolean {
    return existsSync(join(this.sessionDir, LINKED_MARKER));
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
      session_saved: this.isLinked(),
      since: this.since.toISOString(),
      restarts: this.restarts,
      next_restart_at: this.nextRestartAt?.toISOString() ?? null,
    };
  }

  /**
   * Launches Chrome unless a client is already running. Returns once the launch is under way; a
   * failure of the launch lands in the status (stopped + last_error), only a missing browser throws.
   */
  async start(): Promise<void> {
    this.cancelRestart();
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
    // The saved session is a credential: its folder is the owner's alone.
    mkdirSync(this.config.authDir, { recursive: true, mode: 0o700 });
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
    this.watchStuck(client, `WhatsApp Web did not finish starting within ${this.config.startStuckMs / 1000} s`);
    client.initialize().catch((error: unknown) =>
      this.fail(client, `Could not start WhatsApp Web: ${describe(error)}`, true),
    );
  }

  /** Boot-time start (WHATSAPP_AUTO_START); never throws, a failure lands in the status. */
  async autoStart(): Promise<void> {
    const mode = this.config.autoStart;
    if (mode === 'never' || (mode === 'auto' && !this.isLinked())) return;
    this.logger.log(mode === 'always' ? 'Starting at boot (WHATSAPP_AUTO_START=always)' : 'Reconnecting the saved session');
    await this.start().catch((error: unknown) => this.transition('stopped', { ...this.snapshot, lastError: describe(error) }));
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

  notReady(): AppError {
    return notReadyError(this.state, this.snapshot.lastError);
  }

  /**
   * From any state: revoke the linked device when a client is running, close Chrome, delete the
   * saved session, and end in `stopped` with nothing left over. Returns whether WhatsApp revoked it.
   */
  async logout(): Promise<boolean> {
    this.cancelRestart();
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
    this.failures = 0;
    this.transition('stopped', { qr: null, account: null, lastError: null });
    return revoked;
  }

  /** Closes Chrome and waits for it (shutdown); the saved session stays for the next start. */
  async stop(): Promise<void> {
    this.cancelRestart();
    const client = this.client;
    if (!client) return this.closing;
    this.client = null;
    await this.close(client);
    this.transition('stopped', { ...this.snapshot, qr: null });
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
      if (!current()) return;
      this.failures = 0;
      const account = client.account();
      this.markLinked(account);
      this.transition('ready', { qr: null, account, lastError: null });
    });
    client.on('auth_failure', (message) => {
      void this.fail(client, `Authentication failed: ${message}`, false, 'auth_failure');
    });
    client.on('disconnected', (reason) => {
      void this.onDisconnected(client, reason);
    });
    client.on('change_state', (connection) => {
      if (!current()) return;
      this.logger.log(`WhatsApp connection state: ${connection}`);
      if (this.state !== 'ready') return;
      if (STALLED_CONNECTION_STATES.has(connection)) {
        const seconds = this.config.startStuckMs / 1000;
        this.watchStuck(client, `the connection to WhatsApp stayed ${connection} for ${seconds} s`);
      } else {
        this.clearStuck();
      }
    });
  }

  private async onDisconnected(client: WhatsAppClient, reason: string): Promise<void> {
    const { action, description } = recoveryFor(reason);
    if (action !== 'unlinked') return this.fail(client, `Disconnected: ${description}`, action === 'retry');
    if (this.client !== client) return;
    this.client = null;
    this.cancelRestart();
    await this.close(client);
    await rm(this.sessionDir, { recursive: true, force: true, maxRetries: 4 });
    this.transition('stopped', { qr: null, account: null, lastError: `Logged out: ${description}. Pair again to use WhatsApp.` });
  }

  /**
   * A client that failed is closed (its Chrome must not linger) before the new state is announced:
   * `stopped` when it never got going, `disconnected` when it was linked or ready.
   */
  private async fail(client: WhatsAppClient, lastError: string, retry: boolean, state?: ClientState): Promise<void> {
    if (this.client !== client) return;
    this.client = null;
    const next = state ?? (this.state === 'starting' || this.state === 'qr' ? 'stopped' : 'disconnected');
    await this.close(client);
    this.transition(next, { qr: null, account: null, lastError });
    if (retry && this.isLinked()) this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = restartDelay(this.failures++, this.config.restartMinMs, this.config.restartMaxMs);
    this.nextRestartAt = new Date(Date.now() + delay);
    this.logger.log(`Restarting in ${Math.round(delay / 100) / 10} s`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.nextRestartAt = null;
      this.restarts++;
      this.start().catch((error: unknown) => {
        this.transition('stopped', { ...this.snapshot, lastError: describe(error) });
        this.scheduleRestart();
      });
    }, delay).unref();
  }

  private cancelRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.nextRestartAt = null;
  }

  private watchStuck(client: WhatsAppClient, problem: string): void {
    this.clearStuck();
    this.stuckTimer = setTimeout(() => void this.fail(client, problem, true), this.config.startStuckMs).unref();
  }

  private clearStuck(): void {
    if (this.stuckTimer) clearTimeout(this.stuckTimer);
    this.stuckTimer = null;
  }

  private markLinked(account: AccountInfo | null): void {
    try {
      writeFileSync(join(this.sessionDir, LINKED_MARKER), JSON.stringify({ wid: account?.wid ?? null, linked_at: new Date() }));
    } catch (error) {
      this.logger.warn(`Could not mark the session as linked: ${describe(error)}`);
    }
  }

  private close(client: WhatsAppClient): Promise<void> {
    this.clearStuck();
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
      this.since = new Date();
      if (!LOADING.has(state)) this.clearStuck();
      const reason = snapshot.lastError ? ` (${snapshot.lastError})` : '';
      this.logger.log(`state ${previous} -> ${state}${reason}`);
    }
    this.changes.emit('state', state);
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
