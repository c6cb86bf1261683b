import { Injectable } from '@nestjs/common';
import { AppError, whatsappFailure } from '../common/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { RateLimits } from '../limits/rate-limits.js';
import type { ClientStatus } from '../whatsapp/client-status.js';
import { DEFAULT_SESSION, WhatsAppService } from '../whatsapp/whatsapp.service.js';
import type { LogoutAnswer, PairingCodeAnswer } from './auth.answers.js';

export const PAIRING_INSTRUCTIONS = 'WhatsApp -> Linked devices -> Link a device -> Link with phone number instead';

/** Linking the account: status, start, pairing by code, logout. Shared by REST and MCP. */
@Injectable()
export class AuthService {
  constructor(
    private readonly whatsapp: WhatsAppService,
    private readonly config: AppConfig,
    private readonly limits: RateLimits,
  ) {}

  status(session = DEFAULT_SESSION): ClientStatus {
    return this.whatsapp.session(session).status();
  }

  /** Starts Chrome if needed; answers once the state has left `starting`, or after the start timeout. */
  async start(name = DEFAULT_SESSION): Promise<ClientStatus> {
    const session = this.whatsapp.session(name);
    await session.startAndSettle(this.config.startTimeoutMs);
    return session.status();
  }

  /** `phoneDigits` has passed the phone rule (a bad number never launches Chrome). */
  async pairingCode(phoneDigits: string, name = DEFAULT_SESSION): Promise<PairingCodeAnswer> {
    const session = this.whatsapp.session(name);
    let state = session.currentState;
    if (state !== 'ready') {
      await this.limits.pairing(name);
      state = await session.startAndSettle(this.config.startTimeoutMs);
    }
    if (state === 'authenticated' || state === 'ready') {
      await session.ensureReady();
      return { already_authenticated: true, code: null, status: session.status() };
    }
    if (state === 'stopped') {
      throw new AppError('start_failed', session.status().last_error ?? 'WhatsApp Web could not be started.', {
        state,
      });
    }
    const code = await session.requestPairingCode(phoneDigits).catch(whatsappFailure('give a pairing code'));
    return { already_authenticated: false, phone_number: phoneDigits, code, instructions: PAIRING_INSTRUCTIONS };
  }

  async logout(session = DEFAULT_SESSION): Promise<LogoutAnswer> {
    const revoked = await this.whatsapp.session(session).logout();
    return { ok: true, revoked };
  }
}
