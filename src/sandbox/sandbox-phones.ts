import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { describeError } from '../common/describe-error.js';
import { DEFAULT_SESSION } from '../common/session-name.js';
import { AppConfig } from '../config/app-config.js';
import type { SessionLaunch } from '../whatsapp/launch-overrides.js';
import { type WhatsAppEventPayloads, WhatsAppTopic } from '../whatsapp/whatsapp-events.js';
import { SandboxControls } from './sandbox-controls.js';
import { SandboxPhone } from './sandbox-phone.js';

/**
 * One simulated phone per session (issue 15): `default`'s is started with the module; another
 * session's when it first launches (or its controls are first used), with a number of its own, and
 * closed when the session is deleted or the server stops.
 */
@Injectable()
export class SandboxPhones implements OnApplicationShutdown {
  private readonly logger = new Logger('Sandbox');
  private readonly others = new Map<string, Promise<SandboxPhone>>();
  private numbers = 0;

  constructor(
    private readonly main: SandboxPhone,
    private readonly config: AppConfig,
  ) {}

  phone(session: string): Promise<SandboxPhone> {
    if (session === DEFAULT_SESSION) return Promise.resolve(this.main);
    let phone = this.others.get(session);
    if (!phone) {
      phone = SandboxPhone.start({
        dir: this.main.dir,
        session,
        me: `1555${String(++this.numbers).padStart(7, '0')}`,
        chats: this.config.sandboxChats,
        link: this.config.sandboxLink,
        onError: (error) => this.logger.error(`The sandbox phone of "${session}" could not link it: ${describeError(error)}`),
      });
      this.others.set(session, phone);
      phone.catch(() => this.others.delete(session));
    }
    return phone;
  }

  /** LaunchOverrides.prepare: the session's phone is up before its Chrome opens the page it serves. */
  async prepare(session: string): Promise<SessionLaunch> {
    return { webCacheDir: (await this.phone(session)).launch.webCacheDir };
  }

  async controls(session: string): Promise<SandboxControls> {
    return new SandboxControls(await this.phone(session));
  }

  @OnEvent(WhatsAppTopic.removed)
  async onRemoved({ session }: WhatsAppEventPayloads['whatsapp.session.removed']): Promise<void> {
    const phone = this.others.get(session);
    this.others.delete(session);
    await (await phone?.catch(() => undefined))?.close();
  }

  async onApplicationShutdown(): Promise<void> {
    const phones = [...this.others.values()];
    this.others.clear();
    await Promise.all(phones.map(async (phone) => (await phone.catch(() => undefined))?.close()));
  }
}
