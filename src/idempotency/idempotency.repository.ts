/** The answer kept for a key: what the first request answered, replayed as it was. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

export interface IdempotencyRecord {
  /** The route (and session) the key belongs to: one key may be used on two routes. */
  scope: string;
  key: string;
  fingerprint: string;
  /** Null while the first request runs (or after it was cut off by a crash). */
  answer: StoredAnswer | null;
  createdAt: number;
  expiresAt: number;
}

export type ClaimResult = { claimed: true } | { claimed: false; existing: IdempotencyRecord };

/** Where keys are kept; a second backend is a second implementation. */
export abstract class IdempotencyRepository {
  /**
   * Takes the key atomically: either this call owns it now (a new record without answer) or the
   * record already there is returned. A record past its expiry counts as absent and is replaced.
   */
  abstract claim(record: Omit<IdempotencyRecord, 'answer'>, now: number): ClaimResult;
  abstract complete(scope: string, key: string, answer: StoredAnswer): void;
  /** Forgets a claim whose request ended without a final answer, so a retry can go through. */
  abstract release(scope: string, key: string): void;
  /** Deletes expired records; returns how many. */
  abstract purgeExpired(now: number): number;
  /** The keys of a deleted session (their scopes start with `<session>:`). */
  abstract deleteSession(session: string): void;
}
