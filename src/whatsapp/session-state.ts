import { EventEmitter } from 'node:events';
import type { ClientState } from './client-status.js';
import type { AccountInfo } from './whatsapp-client.port.js';

export interface Snapshot {
  qr: string | null;
  account: AccountInfo | null;
  lastError: string | null;
}

/**
 * Every allowed change of state. A state may follow itself where the snapshot changes without the
 * state (a rotated QR, a new last_error). The library injects itself again after every navigation
 * of the page, so a ready client may show a QR, authenticate or become ready again. Teardown
 * (logout, stop) reaches `stopped` from anywhere; `disconnected` is for a client that had been
 * ready (and may be loading again after such a navigation); only a new start leaves the ends.
 */
export const TRANSITIONS: Readonly<Record<ClientState, readonly ClientState[]>> = {
  stopped: ['stopped', 'starting'],
  starting: ['qr', 'authenticated', 'ready', 'auth_failure', 'stopped'],
  qr: ['qr', 'authenticated', 'ready', 'auth_failure', 'disconnected', 'stopped'],
  authenticated: ['qr', 'authenticated', 'ready', 'auth_failure', 'disconnected', 'stopped'],
  ready: ['qr', 'authenticated', 'ready', 'auth_failure', 'disconnected', 'stopped'],
  auth_failure: ['starting', 'stopped'],
  disconnected: ['starting', 'stopped'],
};

export interface StateChange {
  previous: ClientState;
  state: ClientState;
  snapshot: Snapshot;
}

export class TransitionRefusedError extends Error {
  constructor(from: ClientState, to: ClientState) {
    super(`state ${from} -> ${to} is not an allowed transition`);
    this.name = 'TransitionRefusedError';
  }
}

/** The state and what goes with it; `transition` is the one place that changes them. */
export class SessionStateMachine {
  private current: ClientState = 'stopped';
  private snap: Snapshot = { qr: null, account: null, lastError: null };
  private startedAt: number;
  private readonly changes = new EventEmitter();

  constructor(private readonly now: () => number) {
    this.startedAt = now();
    this.changes.setMaxListeners(0);
  }

  get state(): ClientState {
    return this.current;
  }

  get snapshot(): Snapshot {
    return this.snap;
  }

  /** When the current state began (ms since the epoch). */
  get since(): number {
    return this.startedAt;
  }

  can(to: ClientState): boolean {
    return TRANSITIONS[this.current].includes(to);
  }

  /** Changes the state (throws when the table does not allow it) and announces the change. */
  transition(to: ClientState, snapshot: Snapshot): void {
    if (!this.can(to)) throw new TransitionRefusedError(this.current, to);
    const previous = this.current;
    this.current = to;
    this.snap = snapshot;
    if (previous !== to) this.startedAt = this.now();
    this.changes.emit('change', { previous, state: to, snapshot } satisfies StateChange);
  }

  /**
   * Resolves with the first state that satisfies `accept`, or with the current state after
   * `timeoutMs` (callers decide what a state short of theirs means). A caller's bound: real time.
   */
  waitFor(accept: (state: ClientState) => boolean, timeoutMs: number): Promise<ClientState> {
    if (accept(this.current)) return Promise.resolve(this.current);
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        stop();
        resolve(this.current);
      };
      const stop = this.onChange(({ state }) => {
        if (accept(state)) finish();
      });
      const timer = setTimeout(finish, timeoutMs);
    });
  }

  /** Listens to every change; returns the function that stops listening. */
  onChange(listener: (change: StateChange) => void): () => void {
    this.changes.on('change', listener);
    return () => this.changes.off('change', listener);
  }
}
