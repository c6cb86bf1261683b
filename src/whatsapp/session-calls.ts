import type { Logger } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { describeError } from '../common/describe-error.js';
import type { ClientState } from './client-status.js';
import { ClientGoneError, type WhatsAppClient } from './whatsapp-client.port.js';

/** What a call needs of its session. */
export interface CallTarget {
  readonly currentState: ClientState;
  ensureReady(): Promise<WhatsAppClient>;
  notReady(): AppError;
}

/**
 * Runs `work` on the ready client. When the client goes away under it (ClientGoneError: Chrome
 * died, the page closed, the phone unlinked the device) the session has already let go of that
 * client; `work` then runs once more on the client that replaces it, which ensureReady waits for
 * within WHATSAPP_READY_TIMEOUT_MS (or refuses with not_ready / 503). Only work that cannot have
 * taken effect may be repeated (`retry`): a message that may have gone out is never sent twice.
 */
export async function callSurvivingCrash<T>(
  session: CallTarget,
  work: (client: WhatsAppClient) => Promise<T>,
  retry: boolean,
  logger: Logger,
): Promise<T> {
  try {
    return await work(await session.ensureReady());
  } catch (error) {
    if (!(error instanceof ClientGoneError)) throw error;
    logger.warn(`A call lost its client: ${error.message}`);
    if (!retry) {
      throw new AppError(
        'not_ready',
        `WhatsApp Web went away during the call (${describeError(error.cause)}); it may or may not have taken effect: check before repeating it.`,
        { state: session.currentState },
      );
    }
    const client = await session.ensureReady();
    return work(client).catch((again: unknown) => {
      throw again instanceof ClientGoneError ? session.notReady() : again;
    });
  }
}

/** Revokes the linked device, giving up after `timeoutMs` (the logout then goes on locally). */
export async function revokeDevice(client: WhatsAppClient, timeoutMs: number, logger: Logger): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const revoked = client.logout().then(
    () => true,
    (error: unknown) => {
      logger.warn(`Could not revoke the linked device: ${describeError(error)}`);
      return false;
    },
  );
  try {
    return await Promise.race([revoked, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
