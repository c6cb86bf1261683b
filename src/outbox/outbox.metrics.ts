import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { Histogram } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service.js';
import { type OutboxEventPayloads, OutboxTopic } from './outbox-item.js';
import { OutboxService } from './outbox.service.js';

/** Paced items wait minutes behind the sending limits, so the buckets reach an hour. */
const QUEUED_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** The outbox's depth by state (read from the database when scraped) and its queued→sent time (heard on the bus). */
@Injectable()
export class OutboxMetrics {
  private readonly queuedToSent: Histogram<never>;

  constructor(metrics: MetricsService, outbox: OutboxService) {
    metrics.labelledGauge('outbox_items', 'Outbox items by state.', 'state', () => outbox.depth());
    this.queuedToSent = metrics.histogram(
      'outbox_queued_to_sent_seconds',
      'Time from accepting an outbox item to sending it.',
      [],
      QUEUED_BUCKETS,
    );
  }

  @OnEvent(OutboxTopic.sent)
  onSent({ queued_ms }: OutboxEventPayloads['outbox.sent']): void {
    this.queuedToSent.observe(queued_ms / 1000);
  }
}
