import { Logger } from '@nestjs/common';
import type { EventEmitter2 } from '@nestjs/event-emitter';
import { type AppError } from '../common/app-error.js';
import { describeError } from '../common/describe-error.js';
import type { AppConfig } from '../config/app-config.js';
import { describeStatus, type ClientState, type ClientStatus } from './client-status.js';
import type { Clock } from './clock.js';
import { notReadyError } from './not-ready.js';
import { callSurvivingCrash, revokeDevice } from './session-calls.js';
import { SessionProfile } from './session-profile.js';
import { LOADING, SessionRecovery } from './session-recovery.js';
import { ClientRunner } from './session-runner.js';
import type { StoreStatusHook } from './store-status.hook.js';
import { SessionStateMachine, type StateChange } from './session-state.js';
import type { SessionLaunch } from './launch-overrides.js';
import { type WhatsAppClient, type WhatsAppClientFactory } from './whatsapp-client.port.js';
import { WhatsAppTopic, type WhatsAppTopicName } from './whatsapp-events.js';

/** How long revoking the device on logout may take before we give up on it and log out locally. */
const REVOKE_TIMEOUT_MS = 10_000;

/** What a session is made of; WhatsAppSessionFactory provides it from DI. */
export interface SessionDeps {
  config: AppConfig;
  clients: WhatsAppClientFactory;
  clock: Clock;
  bus: EventEmitter2;
  /** The status's `store` part; absent in tests of the session alone (then null). */
  storeStatus?: StoreStatusHook;
  /** Awaited before each launch (LaunchOverrides.prepare). */
  prepareLaunch?: (session: string) => Promise<SessionLaunch>;
}

/**
 * One linked account, a thin coordinator: its state machine, its recovery timers (backoff and
 * watchdog), its profile folder and the runner of its client, each in a part of its own. Every
 * state change is logged once and published on the bus, with the client's message events.
 */
export class WhatsAppSession {
  readonly profile: SessionProfile;
  private readonly machine: SessionStateMachine;
  private readonly recovery: SessionRecovery;
  private readonly runner: ClientRunner;
  private readonly logger: Logger;

  constructor(
    readonly id: string,
    private readonly deps: SessionDeps,
  ) {
    const { config, clock } = deps;
    this.logger = new Logger(`WhatsApp:${id}`);
    this.profile = new SessionProfile(config.authDir, id);
    this.machine = new SessionStateMachine(() => clock.now());
    this.recovery = new SessionRecovery(clock, config, this.logger);
    const publish = (topic: WhatsAppTopicName, payload: object): void => this.publish(topic, payload);
    this.runner = new ClientRunner(id, deps, {
      machine: this.machine,
      recovery: this.recovery,
      profile: this.profile,
      logger: this.logger,
      publish,
    });
    this.machine.onChange((change) => this.changed(change));
  }

  get currentState(): ClientState {
    return this.machine.state;
  }

  get qr(): string | null {
    return this.machine.snapshot.qr;
  }

  get sessionDir(): string {
    return this.profile.dir;
  }

  hasSavedSession(): boolean {
    return this.profile.exists();
  }

  isLinked(): boolean {
    return this.profile.isLinked();
  }

  /** The running Chrome's process id (metrics), or null. */
  browserPid(): number | null {
    return this.runner.client?.browserPid() ?? null;
  }

  status(): ClientStatus {
    return describeStatus(
      this.machine,
      this.deps.config,
      {
        linked: this.isLinked(),
        restarts: this.recovery.restarts,
        nextRestartAt: this.recovery.nextRestartAt,
      },
      this.deps.storeStatus?.read(this.id) ?? null,
    );
  }

  /**
   * Launches Chrome unless a client is already running. Returns once the launch is under way; a
   * failure of the launch lands in the status (stopped + last_error), only a missing browser throws.
   */
  start(): Promise<void> {
    return this.runner.serial(() => this.runner.launch('explicit'));
  }

  /** Boot-time start (WHATSAPP_AUTO_START); never throws, a failure lands in the status. */
  async autoStart(): Promise<void> {
    const mode = this.deps.config.autoStart;
    if (mode === 'never' || (mode === 'auto' && !this.isLinked())) return;
    const why = this.deps.config.sandbox ? 'a sandbox always links at boot' : 'WHATSAPP_AUTO_START=always';
    this.logger.log(mode === 'always' ? `Starting at boot (${why})` : 'Reconnecting the saved session');
    await this.runner
      .serial(() => this.runner.launch(mode === 'always' ? 'explicit' : 'linked'))
      .catch((error: unknown) => this.machine.transition('stopped', { ...this.machine.snapshot, lastError: describeError(error) }));
  }

  /** Starts if needed and waits until the state has left `starting` (or the timeout passed). */
  async startAndSettle(timeoutMs: number): Promise<ClientState> {
    await this.start();
    return this.waitFor((state) => state !== 'starting', timeoutMs);
  }

  /** Resolves with the first state that satisfies `accept`, or with the current state after `timeoutMs`. */
  waitFor(accept: (state: ClientState) => boolean, timeoutMs: number): Promise<ClientState> {
    return this.machine.waitFor(accept, timeoutMs);
  }

  /**
   * The client, once ready. A loading session is waited for; a stopped one with a saved session is
   * started first; anything that cannot become ready by itself fails at once with `not_ready`.
   */
  async ensureReady(): Promise<WhatsAppClient> {
    if ((this.currentState === 'stopped' || this.currentState === 'disconnected') && this.hasSavedSession()) {
      await this.runner.serial(() => this.runner.launch('saved'));
    }
    if (LOADING.has(this.currentState)) await this.waitFor((state) => !LOADING.has(state), this.deps.config.readyTimeoutMs);
    const client = this.runner.client;
    if (this.currentState === 'ready' && client) return client;
    throw this.notReady();
  }

  /** Runs `work` on the ready client, surviving a crash under it (see callSurvivingCrash). */
  use<T>(work: (client: WhatsAppClient) => Promise<T>, retry: boolean): Promise<T> {
    return callSurvivingCrash(this, work, retry, this.logger);
  }

  requestPairingCode(phoneDigits: string): Promise<string> {
    const client = this.runner.client;
    if (this.currentState !== 'qr' || !client) throw this.notReady();
    return client.requestPairingCode(phoneDigits, true, 180_000);
  }

  notReady(): AppError {
    return notReadyError(this.currentState, this.machine.snapshot.lastError);
  }

  /**
   * From any state: revoke the linked device when a client is running (given up after 10 s),
   * close Chrome, delete the saved session, and end in `stopped` with nothing left over. Returns
   * whether WhatsApp revoked the device.
   */
  logout(): Promise<boolean> {
    return this.runner.serial(async () => {
      this.recovery.cancelRestart();
      const client = this.runner.client;
      const linked = this.currentState === 'ready' || this.currentState === 'authenticated';
      this.runner.detach('stopped', { qr: null, account: null, lastError: null });
      let revoked = false;
      if (client && linked) revoked = await revokeDevice(client, REVOKE_TIMEOUT_MS, this.logger);
      if (client) await this.runner.closeClient(client);
      await this.profile.remove();
      this.recovery.recovered();
      this.publish(WhatsAppTopic.unlinked, { reason: 'logout' });
      return revoked;
    });
  }

  /**
   * Shutdown: closes Chrome and waits for it; the saved session stays for the next boot. Starts
   * asked for afterwards (requests still arriving while the server stops) are refused.
   */
  stop(): Promise<void> {
    return this.runner.serial(async () => {
      this.runner.close();
      const client = this.runner.client;
      if (!client) return;
      this.runner.detach('stopped', { ...this.machine.snapshot, qr: null, account: null });
      await this.runner.closeClient(client);
    });
  }

  /**
   * POST /api/sessions/{name}/stop: closes Chrome and keeps the saved session; unlike a shutdown,
   * a later start (an explicit one, or a call that needs WhatsApp) may launch it again.
   */
  halt(): Promise<void> {
    return this.runner.serial(async () => {
      this.recovery.cancelRestart();
      const client = this.runner.client;
      if (!client) return;
      this.runner.detach('stopped', { ...this.machine.snapshot, qr: null, account: null, lastError: null });
      await this.runner.closeClient(client);
    });
  }

  /** Deleting the session: from now on no start (explicit, by a call, or a restart) launches it again. */
  retire(): void {
    this.runner.close(`The session "${this.id}" is being deleted; WhatsApp will not be started.`);
  }

  /** Deleting the session: after its logout, the features drop what they keep for it. */
  announceRemoved(): void {
    this.publish(WhatsAppTopic.removed, {});
  }

  /** Resolves once the lifecycle work asked for so far (launches, teardowns) is done. */
  settled(): Promise<void> {
    return this.runner.settled();
  }

  private changed({ previous, state, snapshot }: StateChange): void {
    if (previous !== state) {
      const client = this.runner.client;
      this.recovery.followLoading(previous, state, client && ((problem) => void this.runner.fail(client, problem, true)));
      this.logger.log(`state ${previous} -> ${state}${snapshot.lastError ? ` (${snapshot.lastError})` : ''}`);
    }
    this.publish(WhatsAppTopic.status, { previous, status: this.status() });
  }

  private publish(topic: WhatsAppTopicName, payload: object): void {
    this.deps.bus.emit(topic, { session: this.id, at: new Date(this.deps.clock.now()), ...payload });
  }
}
