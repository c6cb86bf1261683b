import { setTimeout as delay } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../common/app-error.js';
import { DEFAULT_SESSION } from '../common/session-name.js';
import { AppConfig } from '../config/app-config.js';

interface Limit {
  limiter: RateLimiterMemory;
  rule: string;
}

/** What one send took from the sending limits: given back when the send is refused before anything went out. */
export interface SendSlot {
  giveBack(): Promise<void>;
}

const NOTHING_TAKEN: SendSlot = { giveBack: () => Promise.resolve() };

function limit(points: number, windowMs: number, what: string): Limit | null {
  if (points === 0) return null;
  const window = windowMs % 60_000 === 0 ? (windowMs === 60_000 ? 'minute' : `${windowMs / 60_000} minutes`) : `${windowMs / 1000} s`;
  return { limiter: new RateLimiterMemory({ points, duration: windowMs / 1000 }), rule: `at most ${points} ${what} per ${window}` };
}

/**
 * Limits that protect the account: WhatsApp bans accounts that send in bursts, and a guessed API
 * key is the account. REST and MCP call the same services, so the limits live here rather than in
 * an HTTP guard. Counting is
 * rate-limiter-flexible's (a window per key); @nestjs/throttler's storage would do, but the package
 * is CommonJS requiring the ESM-only @nestjs/common 12, which Jest on Node 20 cannot load.
 */
@Injectable()
export class RateLimits {
  private readonly perRecipient: Limit | null;
  private readonly overall: Limit | null;
  private readonly pairingCodes: Limit | null;
  /** The QR page's key form: 10 wrong keys per 15 minutes from one address. */
  private readonly keyAttempts = limit(10, 15 * 60_000, 'wrong API keys from one address');

  constructor(config: AppConfig) {
    this.perRecipient = limit(config.recipientLimit, config.sendWindowMs, 'messages to one recipient');
    this.overall = limit(config.sendLimit, config.sendWindowMs, 'messages');
    this.pairingCodes = limit(config.pairingLimit, config.pairingWindowMs, 'pairing-code requests');
  }

  /**
   * One send to `recipient` (digits) from the account `session`: counted per recipient first, then
   * overall. Each account has limits of its own: WhatsApp judges each number by what it sends.
   */
  async send(recipient: string, session = DEFAULT_SESSION): Promise<SendSlot> {
    const toRecipient = await take(this.perRecipient, `${session}:${recipient}`);
    // A send the overall limit refuses has not used its recipient's share.
    const overall = await take(this.overall, session).catch(async (refusal: unknown) => {
      await toRecipient.giveBack();
      throw refusal;
    });
    return both(toRecipient, overall);
  }

  /** The same counting for a queued send (the outbox): waits for a slot instead of refusing. */
  async sendWhenAllowed(recipient: string, session = DEFAULT_SESSION): Promise<SendSlot> {
    const toRecipient = await waitFor(this.perRecipient, `${session}:${recipient}`);
    return both(toRecipient, await waitFor(this.overall, session));
  }

  async pairing(session = DEFAULT_SESSION): Promise<void> {
    await take(this.pairingCodes, session);
  }

  /** Refuses an address that has used up its wrong keys (a right key costs nothing). */
  async checkKeyAttempts(address: string): Promise<void> {
    const used = await this.keyAttempts?.limiter.get(address);
    if (used && used.consumedPoints >= (this.keyAttempts?.limiter.points ?? Infinity)) await take(this.keyAttempts, address);
  }

  async wrongKey(address: string): Promise<void> {
    await this.keyAttempts?.limiter.consume(address).catch(() => undefined);
  }
}

/**
 * The point `consume` took, given back at most once and only within the window that counted it: a
 * later window never had it, and rewarding there would start that window below zero. The window's end
 * is reckoned from before the call, so it is never later than the limiter's own.
 */
function taken(limit: Limit, key: string, since: number, { msBeforeNext }: RateLimiterRes): SendSlot {
  const windowEnds = since + msBeforeNext;
  let given = false;
  return {
    giveBack: async () => {
      if (given || Date.now() >= windowEnds) return;
      given = true;
      // The wall clock can step; the limiter's own record says whether the window still holds a point.
      const record = await limit.limiter.get(key);
      if (record && record.consumedPoints > 0) await limit.limiter.reward(key);
    },
  };
}

const both = (first: SendSlot, second: SendSlot): SendSlot => ({
  giveBack: async () => {
    await first.giveBack();
    await second.giveBack();
  },
});

/** One point of `limit` for `key`: the slot taken, or the refusal. */
async function consume(limit: Limit, key: string): Promise<SendSlot | RateLimiterRes> {
  const since = Date.now();
  try {
    return taken(limit, key, since, await limit.limiter.consume(key));
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    // The limiter counts a refused try as well; left counted, it would swallow a point another send gives back.
    await taken(limit, key, since, refusal).giveBack();
    return refusal;
  }
}

async function take(limit: Limit | null, key: string): Promise<SendSlot> {
  if (!limit) return NOTHING_TAKEN;
  const outcome = await consume(limit, key);
  if (!(outcome instanceof RateLimiterRes)) return outcome;
  const retryAfter = Math.max(1, Math.ceil(outcome.msBeforeNext / 1000));
  throw new AppError('rate_limited', `Too many requests: ${limit.rule}. Try again in ${retryAfter} s.`, { retry_after: retryAfter });
}

async function waitFor(limit: Limit | null, key: string): Promise<SendSlot> {
  if (!limit) return NOTHING_TAKEN;
  for (;;) {
    const outcome = await consume(limit, key);
    if (!(outcome instanceof RateLimiterRes)) return outcome;
    // Unreferenced: a queued send waiting for its slot must not keep a stopping process alive.
    await delay(Math.max(1, outcome.msBeforeNext), undefined, { ref: false });
  }
}
