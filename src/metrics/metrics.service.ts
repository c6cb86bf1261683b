import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { MessagingTopic, type SendOutcome } from '../messaging/messaging.service.js';
import { CLIENT_STATES, type ClientState } from '../whatsapp/client-status.js';
import { WhatsAppTopic, type WhatsAppEventPayloads } from '../whatsapp/whatsapp-events.js';
import { DEFAULT_SESSION, WhatsAppService } from '../whatsapp/whatsapp.service.js';
import { processGroupRssBytes } from './chrome-rss.js';

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Prometheus metrics (prom-client), in a registry of our own rather than the global one, so that
 * several apps in one process (tests) do not share counters. Sends, states and restarts are heard
 * on the bus; values that only live elsewhere (MCP sessions, Chrome memory) are read when scraped.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  private readonly sent = new Counter({
    name: 'whatsapp_messages_sent_total',
    help: 'Messages sent (REST and MCP), by session.',
    labelNames: ['session'],
    registers: [this.registry],
  });
  private readonly failed = new Counter({
    name: 'whatsapp_messages_failed_total',
    help: 'Sends that failed after input validation, by session and error code.',
    labelNames: ['session', 'code'],
    registers: [this.registry],
  });
  private readonly state = new Gauge({
    name: 'whatsapp_client_state',
    help: 'The WhatsApp client state of each session: 1 for the current state, 0 for the others.',
    labelNames: ['session', 'state'],
    registers: [this.registry],
  });
  private readonly restarts = new Gauge({
    name: 'whatsapp_restarts',
    help: 'Automatic restarts of the WhatsApp client of each session since the server started.',
    labelNames: ['session'],
    registers: [this.registry],
  });

  constructor(whatsapp: WhatsAppService) {
    collectDefaultMetrics({ register: this.registry });
    this.showState(DEFAULT_SESSION, 'stopped');
    this.restarts.set({ session: DEFAULT_SESSION }, 0);
    this.labelledGauge(
      'chrome_resident_memory_bytes',
      "Resident memory of each session's Chrome and its helper processes.",
      'session',
      () => Object.fromEntries(whatsapp.list().map((session) => [session.id, processGroupRssBytes(session.browserPid())])),
    );
  }

  /** A gauge whose value is read when scraped (other modules register theirs, e.g. MCP sessions). */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** A gauge with one label whose values are all read when scraped (e.g. the outbox's depth by state). */
  labelledGauge<L extends string>(name: string, help: string, label: L, read: () => Record<string, number>): void {
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      collect() {
        // A value gone from the reading (a deleted session) is gone from the metric.
        this.reset();
        for (const [value, n] of Object.entries(read())) this.set({ [label]: value } as Record<L, string>, n);
      },
    });
  }

  /** A counter other modules feed (events stored, webhook deliveries). */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** A histogram in seconds other modules feed (delivery latency); waits of minutes bring their own buckets. */
  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets = SECONDS_BUCKETS): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.durations.observe(labels, seconds);
  }

  @OnEvent(MessagingTopic.sendOutcome)
  onSendOutcome({ session, code }: SendOutcome): void {
    if (code === null) this.sent.inc({ session });
    else this.failed.inc({ session, code });
  }

  @OnEvent(WhatsAppTopic.status)
  onStatus({ session, status }: WhatsAppEventPayloads['whatsapp.status']): void {
    this.showState(session, status.state);
    this.restarts.set({ session }, status.restarts);
  }

  /** A deleted session's series go with it. */
  @OnEvent(WhatsAppTopic.removed)
  onRemoved({ session }: WhatsAppEventPayloads['whatsapp.session.removed']): void {
    for (const state of CLIENT_STATES) this.state.remove({ session, state });
    this.restarts.remove({ session });
  }

  private showState(session: string, current: ClientState): void {
    for (const state of CLIENT_STATES) this.state.set({ session, state }, state === current ? 1 : 0);
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
