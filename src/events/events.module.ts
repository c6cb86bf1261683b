import { Module } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service.js';
import { Clock, SystemClock } from '../whatsapp/clock.js';
import { EventStreamService } from './event-stream.service.js';
import { EventsController } from './events.controller.js';
import { EventsListener } from './events.listener.js';
import { EventsRepository } from './events.repository.js';
import { EventsService } from './events.service.js';
import { EventsTools } from './events.tools.js';
import { MessageWaits } from './message-waits.js';
import { SentMessageRegistry } from './sent-message.registry.js';
import { SqliteEventsRepository } from './sqlite-events.repository.js';

/**
 * Durable events: the bus's topics stored as the contract's envelopes, listed and streamed.
 * `EventsService.stored$` is where webhooks and MCP waits (MessageWaits) plug in; messaging records its sends in
 * `SentMessageRegistry` so that `message.sent` can say `api`.
 */
@Module({
  controllers: [EventsController],
  providers: [
    EventsService,
    EventsListener,
    EventStreamService,
    SentMessageRegistry,
    MessageWaits,
    EventsTools,
    { provide: Clock, useClass: SystemClock },
    { provide: EventsRepository, useClass: SqliteEventsRepository },
  ],
  exports: [EventsService, EventStreamService, SentMessageRegistry],
})
export class EventsModule {
  constructor(metrics: MetricsService, events: EventsService, streams: EventStreamService, waits: MessageWaits) {
    const stored = metrics.counter('events_total', 'Events stored, by type.', ['type']);
    events.stored$.subscribe((event) => stored.inc({ type: event.type }));
    metrics.gauge('event_streams_open', 'Open GET /api/events/stream clients.', () => streams.size);
    metrics.gauge('mcp_message_waits_open', 'MCP calls waiting for incoming messages now.', () => waits.size);
  }
}
