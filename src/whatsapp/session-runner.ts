import type { Logger } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { describeError } from '../common/describe-error.js';
import { chromeFlags, requireChrome } from './chrome-flags.js';
import type { ClientState } from './client-status.js';
import { recoveryFor, STALLED_CONNECTION_STATES } from './recovery-policy.js';
import { publishClientEvents } from './session-events.js';
import type { SessionProfile } from './session-profile.js';
import type { SessionRecovery } from './session-recovery.js';
import type { SessionStateMachine, Snapshot } from './session-state.js';
import { printQrToTerminal } from './terminal-qr.js';
import type { WhatsAppClient } from './whatsapp-client.port.js';
import { WhatsAppTopic, type WhatsAppTopicName } from './whatsapp-events.js';
import type { SessionDeps } from './whatsapp-session.js';

/**
 * Why a start is asked for: `explicit` always launches; `saved` needs a profile folder (a call that
 * needs a ready client), `linked` the linked marker (boot), `restart` too (and is counted).
 */
export type StartReason = 'explicit' | 'saved' | 'linked' | 'restart';

export interface RunnerParts {
  machine: SessionStateMachine;
  recovery: SessionRecovery;
  profile: SessionProfile;
  logger: Logger;
  publish: (topic: WhatsAppTopicName, payload: object) => void;
}

/**
 * The client a session runs, from launch to teardown. Launching and tearing down run one at a
 * time (`serial`): a start waits for the previous Chrome to be gone (two must never share a
 * profile), and a logout or stop cannot be overtaken by a start or a restart. A client is
 * detached, and the state changed, the moment it fails or is retired, so the status never shows
 * a client that is no longer there.
 */
export class ClientRunner {
  private current: WhatsAppClient | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Set on shutdown: nothing launches afterwards, or its Chrome would outlive the server. */
  /** Why starts are refused (shutdown, deletion), or false while they are allowed. */
  private closed: string | false = false;
  /** The current client reached `ready`: losing it now is a disconnect, not a failed start. */
  private wasReady = false;

  constructor(
    private readonly id: string,
    private readonly deps: SessionDeps,
    private readonly parts: RunnerParts,
  ) {}

  get client(): WhatsAppClient | null {
    return this.current;
  }

  /** Resolves once the lifecycle work asked for so far (launches, teardowns) is done. */
  async settled(): Promise<void> {
    await this.queue;
  }

  /** Shutdown (or the session's deletion): refuses every start from now on, saying `why`. */
  close(why = 'The server is shutting down; WhatsApp will not be started.'): void {
    this.closed = why;
    this.parts.recovery.cancelRestart();
  }

  /** Runs lifecycle work one task at a time, in the order asked. */
  serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async launch(reason: StartReason): Promise<void> {
    const { config, clients } = this.deps;
    if (this.closed) throw new AppError('start_failed', this.closed, { state: this.parts.machine.state });
    if (this.current) return;
    if (reason === 'saved' && !this.parts.profile.exists()) return;
    if ((reason === 'linked' || reason === 'restart') && !this.parts.profile.isLinked()) return;
    this.parts.recovery.cancelRestart();
    const chrome = requireChrome(config);
    await clients.prepare();
    const own = await this.deps.prepareLaunch?.(this.id);
    this.parts.profile.prepare();
    const client = clients.create({
      authDir: config.authDir,
      clientId: this.id,
      chromeExecutable: chrome,
      headless: config.headless,
      chromeArgs: chromeFlags(config.chromeArgs),
      webVersion: config.webVersion,
      // `{session}` in the folder gives each session a cache of its own (the simulator serves each its own phone so).
      webCacheDir: own?.webCacheDir ?? config.webCacheDir?.replaceAll('{session}', this.id) ?? null,
    });
    if (reason === 'restart') this.parts.recovery.restarts++;
    this.current = client;
    this.wasReady = false;
    this.listen(client);
    this.parts.machine.transition('starting', { qr: null, account: null, lastError: null });
    client.initialize().catch((error: unknown) => this.fail(client, `Could not start WhatsApp Web: ${describeError(error)}`, true));
  }

  private listen(client: WhatsAppClient): void {
    const current = (): boolean => this.current === client;
    client.on('qr', (qr) => {
      if (!current() || !this.follow('qr', { ...this.parts.machine.snapshot, qr })) return;
      if (this.deps.config.terminalQr) printQrToTerminal(qr);
    });
    client.on('authenticated', () => {
      if (current()) this.follow('authenticated', { ...this.parts.machine.snapshot, qr: null });
    });
    client.on('ready', () => {
      if (!current()) return;
      this.parts.recovery.recovered();
      this.wasReady = true;
      const account = client.account();
      this.markLinked(client);
      this.follow('ready', { qr: null, account, lastError: null });
    });
    client.on('auth_failure', (message) => void this.fail(client, `Authentication failed: ${message}`, false, 'auth_failure'));
    client.on('disconnected', (reason) => void this.onDisconnected(client, reason));
    client.on('change_state', (connection) => {
      if (!current()) return;
      this.parts.logger.log(`WhatsApp connection state: ${connection}`);
      if (this.parts.machine.state !== 'ready') return;
      if (!STALLED_CONNECTION_STATES.has(connection)) return this.parts.recovery.clearStuck();
      const problem = `the connection to WhatsApp stayed ${connection} for ${this.parts.recovery.stuckSeconds} s`;
      this.parts.recovery.watchStuck(() => void this.fail(client, problem, true));
    });
    publishClientEvents(client, current, this.parts.publish);
  }

  private async onDisconnected(client: WhatsAppClient, reason: string): Promise<void> {
    const { action, description } = recoveryFor(reason);
    if (action !== 'unlinked') return this.fail(client, `Disconnected: ${description}`, action === 'retry');
    if (this.current !== client) return;
    this.parts.recovery.cancelRestart();
    // The device is gone now: the status must not say a session is saved while Chrome closes
    // and before the folder can be deleted (a poller would see `stopped` with session_saved true).
    this.parts.profile.unmarkLinked();
    this.detach('stopped', { qr: null, account: null, lastError: `Logged out: ${description}. Pair again to use WhatsApp.` });
    this.parts.publish(WhatsAppTopic.unlinked, { reason: 'unlinked' });
    await this.serial(async () => {
      await this.closeClient(client);
      await this.parts.profile.remove();
    });
  }

  /**
   * A client that failed is detached at once (`disconnected` when it had been ready, else
   * `stopped`: a start that failed), then closed, so its Chrome does not linger; a restart is
   * scheduled afterwards when the fault is worth retrying and a linked session is saved.
   */
  async fail(client: WhatsAppClient, lastError: string, retry: boolean, state?: ClientState): Promise<void> {
    if (this.current !== client) return;
    this.detach(state ?? (this.wasReady ? 'disconnected' : 'stopped'), { qr: null, account: null, lastError });
    await this.serial(async () => {
      await this.closeClient(client);
      if (retry && !this.current && this.parts.profile.isLinked()) this.scheduleRestart();
    });
  }

  detach(state: ClientState, snapshot: Snapshot): void {
    this.current = null;
    this.parts.recovery.clearStuck();
    this.parts.machine.transition(state, snapshot);
  }

  private scheduleRestart(): void {
    if (this.closed) return this.parts.recovery.cancelRestart();
    this.parts.recovery.scheduleRestart(() => {
      this.serial(() => this.launch('restart')).catch((error: unknown) => {
        this.parts.machine.transition('stopped', { ...this.parts.machine.snapshot, lastError: describeError(error) });
        if (this.parts.profile.isLinked()) this.scheduleRestart();
      });
    });
  }

  private markLinked(client: WhatsAppClient): void {
    try {
      this.parts.profile.markLinked(client.account(), new Date(this.deps.clock.now()));
    } catch (error) {
      this.parts.logger.warn(`Could not mark the session as linked: ${describeError(error)}`);
    }
  }

  closeClient(client: WhatsAppClient): Promise<void> {
    return client.destroy().catch((error: unknown) => {
      this.parts.logger.warn(`Closing Chrome failed: ${describeError(error)}`);
    });
  }

  /** A change the client's events ask for; one the table refuses (a stray event) is logged and dropped. */
  private follow(state: ClientState, snapshot: Snapshot): boolean {
    if (this.parts.machine.can(state)) {
      this.parts.machine.transition(state, snapshot);
      return true;
    }
    this.parts.logger.warn(`Ignored a ${state} event in state ${this.parts.machine.state}`);
    return false;
  }
}
