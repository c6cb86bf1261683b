import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { describeError } from '../common/describe-error.js';
import { AppConfig } from '../config/app-config.js';
import { EventsModule } from '../events/events.module.js';
import { EventsService } from '../events/events.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { SqliteWebhooksRepository } from './sqlite-webhooks.repository.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/** Settled deliveries older than the event retention go with their events (they hold message bodies). */
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Connects the event log to the webhooks: every stored event is queued for the webhooks that want
 * it inside the transaction that stores it (an event is never stored without its deliveries), and
 * the dispatcher sends. Subscribed before any session starts (module init comes before every
 * bootstrap hook) and until after the sessions' last state changes (they are published in
 * beforeApplicationShutdown; this unsubscribes in onApplicationShutdown). The dispatcher stops
 * sending first: what is queued then stays pending for the next start.
 */
@Injectable()
class WebhooksLifecycle implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private stopQueueing: (() => void) | null = null;
  private pruner: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly events: EventsService,
    private readonly webhooks: WebhooksService,
    @Inject(WebhookDispatcher) private readonly dispatcher: WebhookDispatcher,
  ) {}

  onModuleInit(): void {
    this.webhooks.start();
    const prune = () => this.webhooks.prune(Date.now() - this.config.eventRetentionHours * 3_600_000);
    prune();
    this.pruner = setInterval(prune, PRUNE_EVERY_MS).unref();
    this.stopQueueing = this.events.writeAlongside((events) => {
      // Caught here: a throw would roll the events back with the deliveries.
      try {
        this.webhooks.publish(...events);
      } catch (error) {
        const ids = events.length === 1 ? events[0].id : `${events[0].id} to ${events.at(-1)!.id}`;
        new Logger('Webhooks').error(`Could not queue ${events.length} event(s) (${ids}) for the webhooks: ${describeError(error)}`);
      }
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.pruner) clearInterval(this.pruner);
    await this.dispatcher.close();
  }

  onApplicationShutdown(): void {
    this.stopQueueing?.();
  }
}

@Module({
  imports: [EventsModule],
  controllers: [WebhooksController],
  providers: [
    { provide: WebhooksRepository, useClass: SqliteWebhooksRepository },
    {
      provide: WebhookDispatcher,
      inject: [AppConfig, WebhooksRepository, MetricsService],
      useFactory: (config: AppConfig, repository: WebhooksRepository, metrics: MetricsService) => {
        const outcomes = metrics.counter('webhook_deliveries_total', 'Webhook delivery attempts by outcome.', ['outcome']);
        const latency = metrics.histogram('webhook_delivery_duration_seconds', 'Time from sending a delivery to its answer, by outcome.', [
          'outcome',
        ]);
        metrics.gauge('webhook_queue_depth', 'Webhook deliveries waiting to be sent (pending).', () =>
          [...repository.pendingCounts().values()].reduce((sum, n) => sum + n, 0),
        );
        return new WebhookDispatcher(
          repository,
          {
            minMs: config.webhookRetryMinMs,
            maxMs: config.webhookRetryMaxMs,
            maxAttempts: config.webhookMaxAttempts,
            timeoutMs: config.webhookTimeoutMs,
          },
          {
            onAttempt: (outcome, ms) => {
              outcomes.inc({ outcome });
              latency.observe({ outcome }, ms / 1000);
            },
          },
        );
      },
    },
    {
      provide: WebhooksService,
      inject: [AppConfig, WebhooksRepository, WebhookDispatcher, EventsService],
      useFactory: (config: AppConfig, repository: WebhooksRepository, dispatcher: WebhookDispatcher, events: EventsService) =>
        new WebhooksService(config, repository, dispatcher, Date.now, (data) => {
          const event = events.record('default', 'webhook.test', new Date(), data);
          // Stored before its delivery is queued and sent, like every event.
          events.flush();
          return event;
        }),
    },
    WebhooksLifecycle,
  ],
  exports: [WebhooksService],
})
export class WebhooksModule {}
