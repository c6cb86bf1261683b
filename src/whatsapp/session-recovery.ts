import type { Logger } from '@nestjs/common';
import type { Clock, TimerHandle } from './clock.js';
import type { ClientState } from './client-status.js';
import { restartDelay } from './recovery-policy.js';

/** States in which a client is loading: bounded by the watchdog. */
export const LOADING: ReadonlySet<ClientState> = new Set(['starting', 'authenticated']);

/**
 * The session's timers: the restart after a fault (exponential backoff, reset once ready) and the
 * watchdog that fails a start, or a reconnection while ready, that takes too long. Driven by the
 * injected clock.
 */
export class SessionRecovery {
  /** Automatic restarts since the server started. */
  restarts = 0;
  private failures = 0;
  private restartTimer: TimerHandle | null = null;
  private restartAt: number | null = null;
  private stuckTimer: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly limits: { restartMinMs: number; restartMaxMs: number; startStuckMs: number },
    private readonly logger: Logger,
  ) {}

  /** When the next restart is due (ms since the epoch), or null. */
  get nextRestartAt(): number | null {
    return this.restartAt;
  }

  /** The client became ready: the next fault starts the backoff from its minimum again. */
  recovered(): void {
    this.failures = 0;
  }

  /** Runs `restart` after the backoff delay of this failure (replacing a restart already due). */
  scheduleRestart(restart: () => void): void {
    this.cancelRestart();
    const delay = restartDelay(this.failures++, this.limits.restartMinMs, this.limits.restartMaxMs);
    this.restartAt = this.clock.now() + delay;
    this.logger.log(`Restarting in ${Math.round(delay / 100) / 10} s`);
    this.restartTimer = this.clock.setTimeout(() => {
      this.restartTimer = null;
      this.restartAt = null;
      restart();
    }, delay);
  }

  cancelRestart(): void {
    if (this.restartTimer) this.clock.clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.restartAt = null;
  }

  /** Calls `stuck` with the problem unless cleared within WHATSAPP_START_STUCK_MS. */
  watchStuck(stuck: () => void): void {
    this.clearStuck();
    this.stuckTimer = this.clock.setTimeout(stuck, this.limits.startStuckMs);
  }

  clearStuck(): void {
    if (this.stuckTimer) this.clock.clearTimeout(this.stuckTimer);
    this.stuckTimer = null;
  }

  /**
   * Loading (starting, or authenticated after a scan) is bounded as a whole: the watchdog starts
   * when loading begins and stops when it ends. `stuck` fails the client being loaded.
   */
  followLoading(previous: ClientState, state: ClientState, stuck: ((problem: string) => void) | null): void {
    if (!LOADING.has(state)) return this.clearStuck();
    if (LOADING.has(previous) || !stuck) return;
    const what = state === 'starting' ? 'finish starting' : 'finish loading the session';
    this.watchStuck(() => stuck(`WhatsApp Web did not ${what} within ${this.stuckSeconds} s`));
  }

  /** The watchdog limit in seconds, for messages. */
  get stuckSeconds(): number {
    return this.limits.startStuckMs / 1000;
  }
}
