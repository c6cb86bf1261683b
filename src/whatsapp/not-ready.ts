import { AppError } from '../common/app-error.js';
import type { ClientState } from './client-status.js';

/** The MCP tool that asks for a pairing code: declared by auth's tools, named here because this text points to it. */
export const PAIRING_CODE_TOOL = 'whatsapp_pairing_code';

const PAIR =
  `Pair first: request a pairing code (POST /api/pairing-code, or the ${PAIRING_CODE_TOOL} tool) ` +
  'or start auth (POST /api/auth/start) and scan the QR at /qr.';

/** The `not_ready` refusal: where the client is and what the caller can do about it. */
export function notReadyError(state: ClientState, lastError: string | null): AppError {
  const messages: Record<ClientState, string> = {
    stopped: lastError
      ? `WhatsApp is not running (state stopped: ${lastError}). Start again (POST /api/auth/start) or ${PAIR.charAt(0).toLowerCase()}${PAIR.slice(1)}`
      : `WhatsApp is not linked (state stopped). ${PAIR}`,
    qr: 'WhatsApp is waiting to be linked (state qr): scan the QR at /qr or enter a pairing code on the phone.',
    starting: 'WhatsApp Web is still starting (state starting); try again in a few seconds.',
    authenticated: 'WhatsApp Web is still loading the session (state authenticated); try again in a few seconds.',
    ready: 'WhatsApp is ready.',
    auth_failure: `WhatsApp authentication failed (${lastError}). Log out (POST /api/logout) and pair again.`,
    disconnected: `WhatsApp was disconnected (${lastError}). Start again (POST /api/auth/start) or log out and pair again.`,
  };
  return new AppError('not_ready', messages[state], { state });
}
