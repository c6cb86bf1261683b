/**
 * What a lost connection means and what we do about it. Reasons are whatsapp-web.js's
 * (`LOGOUT` and WhatsApp Web socket states) or the adapter's own (the browser side).
 *
 * - `unlinked`: the phone removed this device. Retrying cannot work: clear the saved session, stop.
 * - `retry`: a fault of the browser, the page or the network. Restart with backoff while a linked
 *   session is saved.
 * - `stay`: a person or WhatsApp has to act. CONFLICT means the same session was opened elsewhere
 *   (two servers on copies of one session folder would otherwise take it from each other in a
 *   loop); TOS_BLOCK and SMB_TOS_BLOCK mean the account is blocked; DEPRECATED_VERSION means the
 *   pinned WhatsApp Web version is too old. The session is kept; a start (or the next call that
 *   needs a ready client) tries again.
 */
export type RecoveryAction = 'unlinked' | 'retry' | 'stay';

const DESCRIPTIONS: Record<string, [RecoveryAction, string]> = {
  LOGOUT: ['unlinked', 'the device was unlinked from the phone'],
  UNPAIRED: ['unlinked', 'the device was unlinked from the phone'],
  UNPAIRED_IDLE: ['unlinked', 'the device was unlinked from the phone'],
  CONFLICT: ['stay', 'WhatsApp Web was opened elsewhere with this session'],
  TOS_BLOCK: ['stay', 'WhatsApp blocked this account'],
  SMB_TOS_BLOCK: ['stay', 'WhatsApp blocked this account'],
  DEPRECATED_VERSION: ['stay', 'WhatsApp rejected this WhatsApp Web version (check WHATSAPP_WEB_VERSION)'],
  PROXYBLOCK: ['retry', 'WhatsApp refused the connection through this network (proxy block)'],
  UNLAUNCHED: ['retry', 'WhatsApp Web stopped running'],
  BROWSER_CLOSED: ['retry', 'Chrome exited or crashed'],
  PAGE_CRASHED: ['retry', 'the WhatsApp Web page crashed'],
  PAGE_CLOSED: ['retry', 'the WhatsApp Web page was closed'],
};

export function recoveryFor(reason: string): { action: RecoveryAction; description: string } {
  const [action, description] = DESCRIPTIONS[reason] ?? ['retry', 'the connection to WhatsApp was lost'];
  return { action, description: `${description} (${reason})` };
}

/** Connection states in which the library keeps going but nothing can be sent; watched for getting stuck. */
export const STALLED_CONNECTION_STATES: ReadonlySet<string> = new Set(['OPENING', 'TIMEOUT', 'PAIRING']);

/**
 * Exponential backoff: min, 2×min, 4×min ... capped at max, each scaled by a random factor in
 * [0.8, 1.2) so that many servers restarted together do not reconnect in lockstep.
 */
export function restartDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.8 + 0.4 * random()));
}
