/** A session created through the API, remembered across restarts. */
export interface StoredSession {
  name: string;
  /** Unix milliseconds. */
  createdAt: number;
}

/** Which sessions exist beyond `default`; SQL stays in the implementation. */
export abstract class SessionsRepository {
  abstract list(): StoredSession[];
  abstract add(session: StoredSession): void;
  abstract remove(name: string): void;
}
