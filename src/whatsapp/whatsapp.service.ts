import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { WhatsAppSessionFactory } from './whatsapp-session.factory.js';
import type { WhatsAppSession } from './whatsapp-session.js';

export const DEFAULT_SESSION = 'default';

/**
 * Holds the linked-account sessions. One (`default`) today; keyed so that several accounts can be
 * held later without changing the callers' shape. Looking a session up never creates one (an id
 * from a request must not); `default` exists from the start (creating it starts nothing).
 */
@Injectable()
export class WhatsAppService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sessions = new Map<string, WhatsAppSession>();

  constructor(private readonly factory: WhatsAppSessionFactory) {
    this.create(DEFAULT_SESSION);
  }

  /** The session `id`, or undefined. */
  find(id: string): WhatsAppSession | undefined {
    return this.sessions.get(id);
  }

  /** The session `id`; `not_found` when there is none. */
  session(id: string = DEFAULT_SESSION): WhatsAppSession {
    const session = this.sessions.get(id);
    if (!session) throw new AppError('not_found', `There is no WhatsApp session "${id}".`);
    return session;
  }

  /** Creates the session `id` (stopped); an id in use is refused. */
  create(id: string): WhatsAppSession {
    if (this.sessions.has(id)) throw new AppError('invalid_input', `The WhatsApp session "${id}" exists already.`);
    const session = this.factory.create(id);
    this.sessions.set(id, session);
    return session;
  }

  /** WHATSAPP_AUTO_START: launched in the background, so the HTTP server never waits for Chrome. */
  onApplicationBootstrap(): void {
    void this.session().autoStart();
  }

  /** SIGTERM/SIGINT: close every Chrome and wait for it (bounded by the adapter), keeping saved sessions. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => session.stop()));
  }
}
