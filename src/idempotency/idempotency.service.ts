import { OnEvent } from '@nestjs/event-emitter';
import { type WhatsAppEventPayloads, WhatsAppTopic } from '../whatsapp/whatsapp-events.js';
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError, type ErrorCode, invalidInput, PossiblySentError } from '../common/app-error.js';
import { HTTP_STATUS } from '../common/app-exception.filter.js';
import { Clock } from '../whatsapp/clock.js';
import { DEFAULT_SESSION } from '../whatsapp/whatsapp.service.js';
import { IdempotencyRepository, type StoredAnswer } from './idempotency.repository.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotency-Replayed';
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const PURGE_EVERY_MS = 60_000;

/** WHATSAPP_IDEMPOTENCY_TTL_HOURS, as the module is given it. */
export class IdempotencySettings {
  constructor(readonly ttlHours = 24) {}
}

/**
 * Refusals stored as the answer: they would repeat identically, so replaying them is the truth.
 * So is a failure of the send itself (PossiblySentError): the message may have gone out, and the
 * replayed error says so rather than sending it again. Every other failure (not_ready before the
 * send, rate_limited, invalid input, a bug) releases the key, so the caller's retry with the same
 * key can go through once the cause is gone.
 */
const FINAL_ERRORS = new Set<ErrorCode>(['not_on_whatsapp']);

export interface IdempotentRequest {
  /** The operation, e.g. `send`; with the session it scopes the key. */
  route: string;
  session: string;
  key: string;
  /** The request as received; its canonical JSON is the fingerprint. */
  body: unknown;
}

export interface IdempotentOutcome {
  /** True when the answer is the first request's, given again. */
  replayed: boolean;
  answer: StoredAnswer;
}

/** Runs an operation at most once per key: REST through @Idempotent, MCP through `execute`. */
@Injectable()
export class IdempotencyService {
  /** Claims held by requests running in this process; a claim in the store but not here was cut off by a crash. */
  private readonly running = new Set<string>();
  private lastPurge = 0;

  constructor(
    private readonly repository: IdempotencyRepository,
    private readonly settings: IdempotencySettings,
    private readonly clock: Clock,
  ) {}

  /** A deleted session's keys go with it (a new session of the same name starts with none). */
  @OnEvent(WhatsAppTopic.removed)
  onRemoved({ session }: WhatsAppEventPayloads['whatsapp.session.removed']): void {
    this.repository.deleteSession(session);
  }

  /** The key as given, or `invalid_input`; undefined when none was given. */
  parseKey(raw: unknown): string | undefined {
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(raw)) {
      throw invalidInput(`${IDEMPOTENCY_HEADER} must be 1 to 255 visible ASCII characters (no spaces).`);
    }
    return raw;
  }

  /**
   * `work` answers with the status of a success; its AppErrors are answers too when final.
   * Throws `idempotency_mismatch`, `idempotency_in_progress`, or what `work` threw.
   */
  async execute(request: IdempotentRequest, work: () => Promise<StoredAnswer>): Promise<IdempotentOutcome> {
    const scope = `${request.session}:${request.route}`;
    const fingerprint = fingerprintOf(request.body);
    const now = this.clock.now();
    this.purge(now);
    const claim = this.repository.claim(
      { scope, key: request.key, fingerprint, createdAt: now, expiresAt: now + this.settings.ttlHours * 3_600_000 },
      now,
    );
    if (!claim.claimed) {
      const { existing } = claim;
      if (existing.fingerprint !== fingerprint) {
        throw new AppError(
          'idempotency_mismatch',
          'This Idempotency-Key was already used with a different request body; use a new key for a new request.',
        );
      }
      if (existing.answer) return { replayed: true, answer: existing.answer };
      throw this.running.has(`${scope}\n${request.key}`)
        ? new AppError('idempotency_in_progress', 'A request with this Idempotency-Key is still in progress; retry once it has finished.')
        : new AppError(
            'idempotency_in_progress',
            'The first request with this Idempotency-Key was interrupted by a server restart before it answered: ' +
              'it may or may not have taken effect. Check (e.g. the chat) before repeating it with a new key.',
            { interrupted: true },
          );
    }
    const id = `${scope}\n${request.key}`;
    this.running.add(id);
    try {
      const answer = await work();
      this.repository.complete(scope, request.key, answer);
      return { replayed: false, answer };
    } catch (error) {
      // A send that may have gone out keeps its key: a retry must not send it again.
      if (error instanceof AppError && (FINAL_ERRORS.has(error.code) || error instanceof PossiblySentError)) {
        this.repository.complete(scope, request.key, errorAnswer(error));
      } else {
        this.repository.release(scope, request.key);
      }
      throw error;
    } finally {
      this.running.delete(id);
    }
  }

  /**
   * For an MCP tool taking `idempotency_key`: runs `work` once per key and input, answering the
   * first answer again on a repeat (a stored refusal is thrown again); without a key it just runs.
   */
  async once<T>(route: string, key: unknown, input: unknown, work: () => Promise<T>, session = DEFAULT_SESSION): Promise<T> {
    const parsed = this.parseKey(key);
    if (parsed === undefined) return work();
    const outcome = await this.execute({ route, session, key: parsed, body: input }, async () => ({
      status: 200,
      body: await work(),
    }));
    return answerBody(outcome.answer) as T;
  }

  private purge(now: number): void {
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    this.repository.purgeExpired(now);
  }
}

/** The body of a stored answer, or the stored refusal thrown again as it was. */
export function answerBody(answer: StoredAnswer): unknown {
  if (answer.status < 400) return answer.body;
  const { code, message, ...details } = (answer.body as { error: { code: ErrorCode; message: string } }).error;
  throw new AppError(code, message, Object.keys(details).length > 0 ? details : undefined);
}

function errorAnswer(error: AppError): StoredAnswer {
  return { status: HTTP_STATUS[error.code], body: { ok: false, error: { code: error.code, message: error.message, ...error.details } } };
}

/** SHA-256 of the body's JSON with object keys sorted, so `{a,b}` and `{b,a}` are one request. */
export function fingerprintOf(body: unknown): string {
  let canonical: string;
  try {
    canonical = JSON.stringify(body ?? null, (_key, value: unknown) =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : value,
    );
  } catch {
    // Only a body nested past the stack's depth gets here; it is not valid input anyway.
    throw invalidInput('The request body is nested too deeply.');
  }
  return createHash('sha256').update(canonical).digest('hex');
}
