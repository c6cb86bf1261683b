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
    help: 'Messages sent (REST and MCP).',
    registers: [this.registry],
  });
  private readonly failed = new Counter({
    name: 'whatsapp_messages_failed_total',
    help: 'Sends that failed after input validation, by error code.',
    labelNames: ['code'],
    registers: [this.registry],
  });
  private readonly state = new Gauge({
    name: 'whatsapp_client_state',
    help: 'The WhatsApp client state: 1 for the current state, 0 for the others.',
    labelNames: ['state'],
    registers: [this.registry],
  });
  private readonly restarts = new Gauge({
    name: 'whatsapp_restarts',
    help: 'Automatic restarts of the WhatsApp client since the server started.',
    registers: [this.registry],
  });

  constructor(whatsapp: WhatsAppService) {
    collectDefaultMetrics({ register: this.registry });
    this.showState('stopped');
    this.restarts.set(0);
    this.gauge('chrome_resident_memory_bytes', 'Resident memory of Chrome and its helper processes.', () =>
      processGroupRssBytes(whatsapp.session().browserPid()),
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
  onSendOutcome({ code }: SendOutcome): void {
    if (code === null) this.sent.inc();
    else this.failed.inc({ code });
  }

  /** The gauges show the default session, the one the contract's status describes. */
  @OnEvent(WhatsAppTopic.status)
  onStatus({ session, status }: WhatsAppEventPayloads['whatsapp.status']): void {
    if (session !== DEFAULT_SESSION) return;
    this.showState(status.state);
    this.restarts.set(status.restarts);
  }

  private showState(current: ClientState): void {
    for (const state of CLIENT_STATES) this.state.set({ state }, state === current ? 1 : 0);
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
