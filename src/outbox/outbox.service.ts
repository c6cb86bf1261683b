import { Injectable } from '@nestjs/common';
import { monotonicFactory } from 'ulid';
import { AppError } from '../common/app-error.js';
import { Clock } from '../whatsapp/clock.js';
import { DEFAULT_SESSION, sessionNotFound } from '../whatsapp/whatsapp.service.js';
import { type OutboxItem, type OutboxRecord, type OutboxState, toItem } from './outbox-item.js';
import { OutboxRepository } from './outbox.repository.js';
import { OutboxWorker } from './outbox.worker.js';

export interface OutboxItemAnswer {
  ok: true;
  item: OutboxItem;
}

export interface OutboxListAnswer {
  ok: true;
  count: number;
  items: OutboxItem[];
}

/** Accepting, reading and cancelling queued sends; shared by REST and MCP. */
@Injectable()
export class OutboxService {
  /** Monotonic: ids sort in order of acceptance even within one millisecond. */
  private readonly ulid = monotonicFactory();

  constructor(
    private readonly repository: OutboxRepository,
    private readonly worker: OutboxWorker,
    private readonly clock: Clock,
  ) {}

  /** Written to the database before it answers; goes out when the session is ready. */
  enqueue(phoneDigits: string, message: string, session = DEFAULT_SESSION): OutboxItemAnswer {
    // The routing checked the session; its body was read since, while a DELETE may have run.
    if (!this.worker.knows(session)) throw sessionNotFound(session);
    const now = this.clock.now();
    const record: OutboxRecord = {
      id: this.ulid(now),
      session,
      to: phoneDigits,
      message,
      state: 'queued',
      messageId: null,
      error: null,
      attempts: 0,
      notBefore: 0,
      createdAt: now,
      updatedAt: now,
    };
    this.repository.insert(record);
    this.worker.pump(session);
    return { ok: true, item: toItem(record) };
  }

  get(id: string, session = DEFAULT_SESSION): OutboxItemAnswer {
    return { ok: true, item: toItem(this.find(session, id)) };
  }

  list(state: OutboxState | undefined, limit: number, session = DEFAULT_SESSION): OutboxListAnswer {
    const items = this.repository.list(session, state, limit).map(toItem);
    return { ok: true, count: items.length, items };
  }

  /** Only a `queued` item: it ends `failed` with the error `cancelled`, kept for the record. */
  cancel(id: string, session = DEFAULT_SESSION): OutboxItemAnswer {
    const found = this.find(session, id);
    const cancelled = this.repository.update(session, id, 'queued', {
      state: 'failed',
      error: { code: 'cancelled', message: 'Cancelled before it was sent.' },
      updatedAt: this.clock.now(),
    });
    if (!cancelled) {
      const state = this.repository.get(session, id)?.state ?? found.state;
      throw new AppError('outbox_not_cancellable', `Outbox item ${id} is ${state}; only a queued item can be cancelled.`, { state });
    }
    return { ok: true, item: toItem(cancelled) };
  }

  /** Items by state (metrics: the outbox's depth). */
  depth(session = DEFAULT_SESSION): Record<OutboxState, number> {
    return this.repository.countByState(session);
  }

  private find(session: string, id: string): OutboxRecord {
    const record = this.repository.get(session, id);
    if (!record) throw new AppError('not_found', `There is no outbox item ${id}.`);
    return record;
  }
}
