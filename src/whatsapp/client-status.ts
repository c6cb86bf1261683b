import type { AccountInfo } from './whatsapp-client.port.js';

/** The contract's seven client states. */
export const CLIENT_STATES = ['stopped', 'starting', 'qr', 'authenticated', 'ready', 'auth_failure', 'disconnected'] as const;
export type ClientState = (typeof CLIENT_STATES)[number];

/** The message store of a session, in its status (filled by the store module through StoreStatusHook). */
export interface StoreStatus {
  chats: number;
  messages: number;
  backfill: 'idle' | 'running' | 'done';
  /** The share (0 to 1) of the current or last backfill pass done. */
  progress: number;
}

/** The contract's status object (GET /api/status, and inside other answers). */
export interface ClientStatus {
  state: ClientState;
  ready: boolean;
  authenticated: boolean;
  auth_dir: string;
  chrome_executable: string | null;
  headless: boolean;
  has_qr: boolean;
  last_error: string | null;
  account: AccountInfo | null;
  /** Added to the contract: a linked session is saved on disk (restarts and boot reconnect use it). */
  session_saved: boolean;
  /** When the current state began (ISO 8601). */
  since: string;
  /** Automatic restarts since the server started. */
  restarts: number;
  /** When the next automatic restart is due (ISO 8601), or null. */
  next_restart_at: string | null;
  /** The message store; null when it is off (WHATSAPP_STORE=off). */
  store: StoreStatus | null;
  /** Only in a sandbox (WHATSAPP_SANDBOX): the account is simulated. Absent otherwise. */
  sandbox?: true;
}

/** The status object of a session: its state and snapshot, the settings it runs with, its recovery. */
export function describeStatus(
  machine: { state: ClientState; since: number; snapshot: { qr: string | null; account: AccountInfo | null; lastError: string | null } },
  config: { authDir: string; chromeExecutable: string | null; headless: boolean; sandbox: boolean },
  recovery: { linked: boolean; restarts: number; nextRestartAt: number | null },
  store: StoreStatus | null = null,
): ClientStatus {
  const { state, snapshot } = machine;
  return {
    state,
    ready: state === 'ready',
    authenticated: state === 'ready' || state === 'authenticated',
    auth_dir: config.authDir,
    chrome_executable: config.chromeExecutable,
    headless: config.headless,
    has_qr: snapshot.qr !== null,
    last_error: snapshot.lastError,
    account: snapshot.account,
    session_saved: recovery.linked,
    since: new Date(machine.since).toISOString(),
    restarts: recovery.restarts,
    next_restart_at: recovery.nextRestartAt === null ? null : new Date(recovery.nextRestartAt).toISOString(),
    store,
    ...(config.sandbox ? { sandbox: true as const } : {}),
  };
}
