import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { WhatsAppClientFactory } from './whatsapp-client.port.js';
import { WhatsAppSession } from './whatsapp-session.js';

export const DEFAULT_SESSION = 'default';

/**
 * Holds the linked-account sessions. One (`default`) today; keyed so that several accounts can be
 * held later without changing the callers' shape.
 */
@Injectable()
export class WhatsAppService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sessions = new Map<string, WhatsAppSession>();

  constructor(
    private readonly config: AppConfig,
    private readonly factory: WhatsAppClientFactory,
  ) {}

  session(id: string = DEFAULT_SESSION): WhatsAppSession {
    let session = this.sessions.get(id);
    if (!session) {
      session = new WhatsAppSession(id, this.config, this.factory);
      this.sessions.set(id, session);
    }
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
