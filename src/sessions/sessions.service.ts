import { readdirSync } from 'node:fs';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import pLimit from 'p-limit';
import { AppError } from '../common/app-error.js';
import { DEFAULT_SESSION, SESSION_NAME_PATTERN } from '../common/session-name.js';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../whatsapp/clock.js';
import { LOADING } from '../whatsapp/session-recovery.js';
import type { WhatsAppSession } from '../whatsapp/whatsapp-session.js';
import { WhatsAppService } from '../whatsapp/whatsapp.service.js';
import type { SessionAnswer, SessionDeleted, SessionsAnswer, SessionView } from './sessions.answers.js';
import { SessionsRepository } from './sessions.repository.js';

/** A profile folder of LocalAuth: `session-<name>`. */
const PROFILE_FOLDER = /^session-(.+)$/;

/**
 * The sessions a server holds: those created through the API (remembered in the database) and those
 * with a saved profile, all brought back at boot; linked ones reconnect a few at a time.
 */
@Injectable()
export class SessionsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Sessions');
  /** Settles once every boot start has left `starting` (tests and the benchmark wait for it). */
  booted: Promise<void> = Promise.resolve();

  constructor(
    private readonly whatsapp: WhatsAppService,
    private readonly repository: SessionsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    for (const name of this.knownNames()) if (!this.whatsapp.find(name)) this.whatsapp.create(name);
    this.booted = this.startAll();
  }

  list(): SessionsAnswer {
    return { ok: true, sessions: this.whatsapp.list().map(view) };
  }

  get(name: string): SessionAnswer {
    return { ok: true, session: view(this.whatsapp.session(name)) };
  }

  /** A new session, stopped until a start, a pairing code or a call that needs it. */
  create(name: string): SessionAnswer {
    if (this.whatsapp.find(name)) throw new AppError('session_exists', `The session "${name}" exists already.`);
    const max = this.config.maxSessions;
    if (this.whatsapp.list().length >= max) {
      throw new AppError('too_many_sessions', `This server holds at most ${max} sessions (WHATSAPP_MAX_SESSIONS); delete one first.`);
    }
    const session = this.whatsapp.create(name);
    this.repository.add({ name, createdAt: this.clock.now() });
    this.logger.log(`Session "${name}" created`);
    return { ok: true, session: view(session) };
  }

  /** Closes the session's Chrome; it stays linked, and a later start or call that needs it launches it again. */
  async stop(name: string): Promise<SessionAnswer> {
    const session = this.whatsapp.session(name);
    await session.halt();
    return { ok: true, session: view(session) };
  }

  /**
   * Logs the account out (revoking the device when it is linked), removes its profile, and has every
   * feature drop what it stored for it. `default` always exists: it is logged out with /api/logout.
   */
  async remove(name: string): Promise<SessionDeleted> {
    if (name === DEFAULT_SESSION) {
      throw new AppError('invalid_input', 'The session "default" always exists and cannot be deleted; log it out with POST /api/logout.');
    }
    const session = this.whatsapp.session(name);
    // From here no start launches it; the logout closes its Chrome and removes its profile.
    session.retire();
    const revoked = await session.logout();
    // A start already under way when retire() was called may have made the profile again.
    await session.profile.remove();
    this.whatsapp.forget(name);
    this.repository.remove(name);
    session.announceRemoved();
    this.logger.log(`Session "${name}" deleted`);
    return { ok: true, deleted: name, revoked };
  }

  /** Created through the API, or with a profile folder (linked by an earlier server, or before the database existed). */
  private knownNames(): string[] {
    const names = this.repository.list().map((stored) => stored.name);
    const authDir = this.whatsapp.session(DEFAULT_SESSION).profile.authDir;
    let folders: string[] = [];
    try {
      folders = readdirSync(authDir);
    } catch {
      // No saved session yet.
    }
    for (const folder of folders.sort()) {
      const name = PROFILE_FOLDER.exec(folder)?.[1];
      if (name && SESSION_NAME_PATTERN.test(name) && !names.includes(name)) names.push(name);
    }
    return names;
  }

  /**
   * WHATSAPP_AUTO_START for every session, at most WHATSAPP_START_CONCURRENCY of them loading at once:
   * a start holds its slot until the session leaves `starting`/`authenticated` (or the ready timeout).
   */
  private async startAll(): Promise<void> {
    const limit = pLimit(this.config.startConcurrency);
    await Promise.all(this.whatsapp.list().map((session) => limit(() => this.bootStart(session))));
  }

  private async bootStart(session: WhatsAppSession): Promise<void> {
    await session.autoStart();
    await session.waitFor((state) => !LOADING.has(state), this.config.readyTimeoutMs);
  }
}

function view(session: WhatsAppSession): SessionView {
  return { name: session.id, status: session.status() };
}
