import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { describeError } from '../common/describe-error.js';
import type { AppConfig } from '../config/app-config.js';
import { chromeFlags } from './chrome-flags.js';
import type { ClientState, ClientStatus } from './client-status.js';
import { notReadyError } from './not-ready.js';
import { recoveryFor, restartDelay, STALLED_CONNECTION_STATES } from './recovery-policy.js';
import { printQrToTerminal } from './terminal-qr.js';
import type { AccountInfo, WhatsAppClient, WhatsAppClientFactory } from './whatsapp-client.port.js';

const LOADING: ReadonlySet<ClientState> = new Set(['starting', 'authenticated']);
/**
 * Written into the profile when the device becomes ready. Automatic starts (boot, restarts after
 * faults) need it; a profile without it was never paired here (or by a server before this marker
 * existed: such a session is still started by the first call that needs it, and marked then).
 */
export const LINKED_MARKER = 'whatsapp-mcp-api.linked.json';
/** How long revoking the device on logout may take before we give up on it and log out locally. */
const REVOKE_TIMEOUT_MS = 10_000;

/**
 * Why a start is asked for: `explicit` always launches; `saved` needs a profile folder (a call that
 * needs a ready client), `linked` the linked marker (boot), `restart` too (and is counted).
 */
type StartReason = 'explicit' | 'saved' | 'linked' | 'restart';

interface Snapshot {
  qr: string | null;
  account: AccountInfo | null;
  lastError: string | null;
}

/**
 * One linked account (`default` today) and its state machine. `transition` is the only place that
 * changes the state; every change is logged once and announced on `changes` so callers can wait
 * for a state instead of polling.
 *
 * Launching and tearing down run one at a time (`serial`): a start waits for the previous Chrome
 * to be gone (two must never share a profile), and a logout or stop cannot be overtaken by a
 * start or a restart. A client is detached, and the state changed, the moment it fails or is
 * retired, so the status never shows a client that is no longer there.
 */
export class WhatsAppSession {
  private state: ClientState = 'stopped';
  private since = new Date();
  private snapshot: Snapshot = { qr: null, account: null, lastError: null };
  private client: WhatsAppClient | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Set by stop() (shutdown): nothing launches afterwards, or its Chrome would outlive the server. */
  private closed = false;
  /** The current client reached `ready`: losing it now is a disconnect, not a failed start. */
  private wasReady = false;
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

  /** The running Chrome's process id (metrics), or null. */
  browserPid(): number | null {
    return this.client?.browserPid() ?? null;
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
  start(): Promise<void> {
    return this.serial(() => this.launch('explicit'));
  }

  /** Boot-time start (WHATSAPP_AUTO_START); never throws, a failure lands in the status. */
  async autoStart(): Promise<void> {
    const mode = this.config.autoStart;
    if (mode === 'never' || (mode === 'auto' && !this.isLinked())) return;
    this.logger.log(mode === 'always' ? 'Starting at boot (WHATSAPP_AUTO_START=always)' : 'Reconnecting the saved session');
    await this.serial(() => this.launch(mode === 'always' ? 'explicit' : 'linked')).catch((error: unknown) =>
      this.transition('stopped', { ...this.snapshot, lastError: describeError(error) }),
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
    if ((this.state === 'stopped' || this.state === 'disconnected') && this.hasSavedSession()) {
      await this.serial(() => this.launch('saved'));
    }
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
   * From any state: revoke the linked device when a client is running (given up after 10 s),
   * close Chrome, delete the saved session, and end in `stopped` with nothing left over. Returns
   * whether WhatsApp revoked the device.
   */
  logout(): Promise<boolean> {
    return this.serial(async () => {
      this.cancelRestart();
      const client = this.client;
      const linked = this.state === 'ready' || this.state === 'authenticated';
      this.detach('stopped', { qr: null, account: null, lastError: null });
      let revoked = false;
      if (client && linked) revoked = await this.revoke(client);
      if (client) await this.close(client);
      await rm(this.sessionDir, { recursive: true, force: true, maxRetries: 4 });
      this.failures = 0;
      return revoked;
    });
  }

  /**
   * Shutdown: closes Chrome and waits for it; the saved session stays for the next boot. Starts
   * asked for afterwards (requests still arriving while the server stops) are refused.
   */
  stop(): Promise<void> {
    return this.serial(async () => {
      this.closed = true;
      this.cancelRestart();
      const client = this.client;
      if (!client) return;
      this.detach('stopped', { ...this.snapshot, qr: null, account: null });
      await this.close(client);
    });
  }

  /** Resolves once the lifecycle work asked for so far (launches, teardowns) is done. */
  async settled(): Promise<void> {
    await this.queue;
  }

  /** Runs lifecycle work one task at a time, in the order asked. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async launch(reason: StartReason): Promise<void> {
    if (this.closed) throw new AppError('start_failed', 'The server is shutting down; WhatsApp will not be started.', { state: this.state });
    if (this.client) return;
    if (reason === 'saved' && !this.hasSavedSession()) return;
    if ((reason === 'linked' || reason === 'restart') && !this.isLinked()) return;
    this.cancelRestart();
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
    if (reason === 'restart') this.restarts++;
    this.client = client;
    this.wasReady = false;
    this.listen(client);
    this.transition('starting', { qr: null, account: null, lastError: null });
    client.initialize().catch((error: unknown) =>
      this.fail(client, `Could not start WhatsApp Web: ${describeError(error)}`, true),
    );
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
      this.wasReady = true;
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
    this.cancelRestart();
    // The device is gone now: the status must not say a session is saved while Chrome closes
    // and before the folder can be deleted (a poller would see `stopped` with session_saved true).
    rmSync(join(this.sessionDir, LINKED_MARKER), { force: true });
    this.detach('stopped', { qr: null, account: null, lastError: `Logged out: ${description}. Pair again to use WhatsApp.` });
    await this.serial(async () => {
      await this.close(client);
      await rm(this.sessionDir, { recursive: true, force: true, maxRetries: 4 });
    });
  }

  /**
   * A client that failed is detached at once (`disconnected` when it had been ready, else
   * `stopped`: a start that failed), then closed, so its Chrome does not linger; a restart is
   * scheduled afterwards when the fault is worth retrying and a linked session is saved.
   */
  private async fail(client: WhatsAppClient, lastError: string, retry: boolean, state?: ClientState): Promise<void> {
    if (this.client !== client) return;
    const next = state ?? (this.wasReady ? 'disconnected' : 'stopped');
    this.detach(next, { qr: null, account: null, lastError });
    await this.serial(async () => {
      await this.close(client);
      if (retry && !this.client && this.isLinked()) this.scheduleRestart();
    });
  }

  private detach(state: ClientState, snapshot: Snapshot): void {
    this.client = null;
    this.clearStuck();
    this.transition(state, snapshot);
  }

  private async revoke(client: WhatsAppClient): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), REVOKE_TIMEOUT_MS);
    });
    const revoked = client.logout().then(
      () => true,
      (error: unknown) => {
        this.logger.warn(`Could not revoke the linked device: ${describeError(error)}`);
        return false;
      },
    );
    try {
      return await Promise.race([revoked, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private scheduleRestart(): void {
    this.cancelRestart();
    if (this.closed) return;
    const delay = restartDelay(this.failures++, this.config.restartMinMs, this.config.restartMaxMs);
    this.nextRestartAt = new Date(Date.now() + delay);
    this.logger.log(`Restarting in ${Math.round(delay / 100) / 10} s`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.nextRestartAt = null;
      this.serial(() => this.launch('restart')).catch((error: unknown) => {
        this.transition('stopped', { ...this.snapshot, lastError: describeError(error) });
        if (this.isLinked()) this.scheduleRestart();
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
      this.logger.warn(`Could not mark the session as linked: ${describeError(error)}`);
    }
  }

  private close(client: WhatsAppClient): Promise<void> {
    return client.destroy().catch((error: unknown) => {
      this.logger.warn(`Closing Chrome failed: ${describeError(error)}`);
    });
  }

  private transition(state: ClientState, snapshot: Snapshot): void {
    const previous = this.state;
    this.state = state;
    this.snapshot = snapshot;
    if (previous !== state) {
      this.since = new Date();
      // Loading (starting, or authenticated after a scan) is bounded as a whole.
      if (!LOADING.has(state)) this.clearStuck();
      else if (!LOADING.has(previous) && this.client) {
        const what = state === 'starting' ? 'finish starting' : 'finish loading the session';
        this.watchStuck(this.client, `WhatsApp Web did not ${what} within ${this.config.startStuckMs / 1000} s`);
      }
      const reason = snapshot.lastError ? ` (${snapshot.lastError})` : '';
      this.logger.log(`state ${previous} -> ${state}${reason}`);
    }
    this.changes.emit('state', state);
  }
}
