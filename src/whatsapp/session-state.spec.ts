import { CLIENT_STATES, type ClientState } from './client-status.js';
import { SessionStateMachine, TRANSITIONS, TransitionRefusedError } from './session-state.js';

/** Every allowed change, written out: the table drifting from this list fails the test. */
const ALLOWED = [
  'stopped->stopped',
  'stopped->starting',
  'starting->qr',
  'starting->authenticated',
  'starting->ready',
  'starting->auth_failure',
  'starting->stopped',
  'qr->qr',
  'qr->authenticated',
  'qr->ready',
  'qr->auth_failure',
  'qr->disconnected',
  'qr->stopped',
  'authenticated->qr',
  'authenticated->authenticated',
  'authenticated->ready',
  'authenticated->auth_failure',
  'authenticated->disconnected',
  'authenticated->stopped',
  'ready->qr',
  'ready->authenticated',
  'ready->ready',
  'ready->auth_failure',
  'ready->disconnected',
  'ready->stopped',
  'auth_failure->starting',
  'auth_failure->stopped',
  'disconnected->starting',
  'disconnected->stopped',
];

const snapshot = { qr: null, account: null, lastError: null };

/** A machine driven into `state` along allowed changes. */
function machineIn(state: ClientState): SessionStateMachine {
  const machine = new SessionStateMachine(() => 0);
  const path: Record<ClientState, ClientState[]> = {
    stopped: [],
    starting: ['starting'],
    qr: ['starting', 'qr'],
    authenticated: ['starting', 'authenticated'],
    ready: ['starting', 'ready'],
    auth_failure: ['starting', 'auth_failure'],
    disconnected: ['starting', 'ready', 'disconnected'],
  };
  for (const step of path[state]) machine.transition(step, snapshot);
  return machine;
}

describe('the state machine transition table', () => {
  it('allows exactly the listed changes', () => {
    const table = Object.entries(TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from}->${to}`));
    expect(table.sort()).toEqual([...ALLOWED].sort());
  });

  it.each(CLIENT_STATES.flatMap((from) => CLIENT_STATES.map((to) => [from, to] as const)))(
    '%s -> %s: allowed as listed, refused otherwise',
    (from, to) => {
      const machine = machineIn(from);
      expect(machine.state).toBe(from);
      if (ALLOWED.includes(`${from}->${to}`)) {
        machine.transition(to, snapshot);
        expect(machine.state).toBe(to);
      } else {
        expect(() => machine.transition(to, snapshot)).toThrow(new TransitionRefusedError(from, to));
        expect(machine.state).toBe(from);
      }
    },
  );

  it('announces every change once, with the previous state, and moves `since` only when the state changes', () => {
    let now = 1_000;
    const machine = new SessionStateMachine(() => now);
    const seen: string[] = [];
    machine.onChange(({ previous, state }) => seen.push(`${previous}->${state}`));
    now = 2_000;
    machine.transition('starting', snapshot);
    now = 3_000;
    machine.transition('qr', { ...snapshot, qr: 'a' });
    now = 4_000;
    machine.transition('qr', { ...snapshot, qr: 'b' });
    expect(seen).toEqual(['stopped->starting', 'starting->qr', 'qr->qr']);
    expect(machine.since).toBe(3_000);
    expect(machine.snapshot.qr).toBe('b');
  });
});
