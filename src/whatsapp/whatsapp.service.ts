import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { DEFAULT_SESSION } from '../common/session-name.js';
import { WhatsAppSessionFactory } from './whatsapp-session.factory.js';
import type { WhatsAppSession } from './whatsapp-session.js';

export { DEFAULT_SESSION } from '../common/session-name.js';

/**
 * Holds the linked-account sessions, by name. Looking a session up never creates one (a name from a
 * request must not); `default` exists from the start (creating it starts nothing). Which sessions
 * exist across restarts, and when they start, is the sessions module's business.
 */
@Injectable()
export class WhatsAppService implements BeforeApplicationShutdown {
  private readonly sessions = new Map<string, WhatsAppSession>();

  constructor(private readonly factory: WhatsAppSessionFactory) {
    this.create(DEFAULT_SESSION);
  }

  /** The session `name`, or undefined. */
  find(name: string): WhatsAppSession | undefined {
    return this.sessions.get(name);
  }

  /** The session `name`; 404 `session_not_found` when there is none. */
  session(name: string = DEFAULT_SESSION): WhatsAppSession {
    const session = this.sessions.get(name);
    if (!session) throw sessionNotFound(name);
    return session;
  }

  /** Every session, `default` first, then in the order they were created. */
  list(): WhatsAppSession[] {
    return [...this.sessions.values()];
  }

  /** Creates the session `name` (stopped); a name in use is refused. */
  create(name: string): WhatsAppSession {
    if (this.sessions.has(name)) throw new AppError('session_exists', `The session "${name}" exists already.`);
    const session = this.factory.create(name);
    this.sessions.set(name, session);
    return session;
  }

  /** Forgets the session `name` (its Chrome already closed by its logout). */
  forget(name: string): void {
    this.sessions.delete(name);
  }

  /** SIGTERM/SIGINT: close every Chrome and wait for it (bounded by the adapter), keeping saved sessions. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => session.stop()));
  }
}

export function sessionNotFound(name: string): AppError {
  return new AppError('session_not_found', `There is no session "${name}": create it with POST /api/sessions.`);
}
