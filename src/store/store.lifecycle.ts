import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AppConfig } from '../config/app-config.js';
import { StoreStatusHook } from '../whatsapp/store-status.hook.js';
import { WhatsAppTopic, type WhatsAppEventPayloads } from '../whatsapp/whatsapp-events.js';
import { WhatsAppService } from '../whatsapp/whatsapp.service.js';
import { MessageStoreRepository, type StoreCounts } from './message-store.repository.js';
import { type BackfillSettings, StoreBackfill, type StoreStatus } from './store-backfill.js';
import { WhatsAppHistorySource } from './whatsapp-history.source.js';

const DAY_MS = 86_400_000;
/**
 * Counting a session's messages scans its rows (about 45 ms for a million here), and the status is
 * read often (polled by agents, published on every state change): the counts are reused this long.
 */
const COUNTS_TTL_MS = 1_000;

/** Pace and clock of the backfill; tests bind one that does not pause. */
export class BackfillPace {
  constructor(readonly pauseMs = 250) {}
}

/**
 * The store's part in each session's life, heard on the bus: the backfill runs while the session
 * is `ready` (started in the background, stopped when it leaves `ready`, resumed at the next one),
 * an unlinked account's stored messages are deleted, and retention sweeps daily. Registers the
 * status's `store` part. With WHATSAPP_STORE=off it does nothing and the part stays null.
 */
@Injectable()
export class StoreLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Store');
  private readonly backfills = new Map<string, StoreBackfill>();
  private readonly counted = new Map<string, { at: number; counts: StoreCounts }>();
  private retention: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly store: MessageStoreRepository,
    private readonly whatsapp: WhatsAppService,
    private readonly pace: BackfillPace,
    statusHook: StoreStatusHook,
  ) {
    if (this.on) statusHook.provide((session) => this.status(session));
  }

  /** The status's `store` part: the backfill's progress now, the counts of at most a second ago. */
  status(session: string): StoreStatus {
    const now = Date.now();
    let cached = this.counted.get(session);
    if (!cached || now - cached.at >= COUNTS_TTL_MS) {
      cached = { at: now, counts: this.store.counts(session) };
      this.counted.set(session, cached);
    }
    return { ...cached.counts, ...this.backfill(session).passState() };
  }

  private get on(): boolean {
    return this.config.store !== 'off';
  }

  backfill(session: string): StoreBackfill {
    let backfill = this.backfills.get(session);
    if (!backfill) {
      const settings: BackfillSettings = { session, messagesPerChat: this.config.backfillMessages, pauseMs: this.pace.pauseMs };
      backfill = new StoreBackfill(this.store, new WhatsAppHistorySource(this.whatsapp, session), settings);
      this.backfills.set(session, backfill);
    }
    return backfill;
  }

  @OnEvent(WhatsAppTopic.status)
  onStatus({ session, previous, status }: WhatsAppEventPayloads['whatsapp.status']): void {
    if (!this.on) return;
    if (status.state === 'ready' && previous !== 'ready') void this.backfill(session).start();
    else if (status.state !== 'ready' && previous === 'ready') void this.backfills.get(session)?.stop();
  }

  /** Logout or unlink (not a shutdown): the account's messages go, also what a pass in flight writes after. */
  @OnEvent(WhatsAppTopic.unlinked)
  async onUnlinked({ session, reason }: WhatsAppEventPayloads['whatsapp.session.unlinked']): Promise<void> {
    if (!this.on) return;
    this.store.deleteSession(session);
    await this.backfills.get(session)?.stop();
    this.store.deleteSession(session);
    this.backfills.delete(session);
    this.counted.delete(session);
    this.logger.log(`Deleted the stored messages of session ${session} (${reason})`);
  }

  onApplicationBootstrap(): void {
    const days = this.config.storeRetentionDays;
    if (!this.on || days === 0) return;
    this.sweep(days);
    this.retention = setInterval(() => this.sweep(days), DAY_MS);
    this.retention.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.retention) clearInterval(this.retention);
    await Promise.all([...this.backfills.values()].map((backfill) => backfill.stop()));
    this.store.flush();
  }

  private sweep(days: number): void {
    const deleted = this.store.deleteOlderThan(days, new Date());
    if (deleted > 0) this.logger.log(`Deleted ${deleted} stored messages older than ${days} days (WHATSAPP_STORE_RETENTION_DAYS)`);
  }
}
