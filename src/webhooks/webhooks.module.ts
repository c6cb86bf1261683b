import { Inject, Injectable, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { describeError } from '../common/describe-error.js';
import type { Subscription } from 'rxjs';
import { AppConfig } from '../config/app-config.js';
import { EventsModule } from '../events/events.module.js';
import { EventsService } from '../events/events.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { SqliteWebhooksRepository } from './sqlite-webhooks.repository.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Connects the event log to the webhooks: every stored event is queued for the webhooks that want
 * it (synchronously, inside the store's announcement, so nothing is between storing and queueing),
 * and the dispatcher sends. Started at bootstrap (the database is open), stopped before it closes.
 */
@Injectable()
class WebhooksLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private subscription: Subscription | null = null;

  constructor(
    private readonly events: EventsService,
    private readonly webhooks: WebhooksService,
    @Inject(WebhookDispatcher) private readonly dispatcher: WebhookDispatcher,
  ) {}

  onApplicationBootstrap(): void {
    this.webhooks.start();
    this.subscription = this.events.stored$.subscribe((event) => {
      // A throw here would reach rxjs, which rethrows it outside any handler and ends the process.
      try {
        this.webhooks.publish(event);
      } catch (error) {
        new Logger('Webhooks').error(`Could not queue event ${event.id} (${event.type}) for the webhooks: ${describeError(error)}`);
      }
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.dispatcher.close();
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
      inject: [AppConfig, WebhooksRepository, WebhookDispatcher],
      useFactory: (config: AppConfig, repository: WebhooksRepository, dispatcher: WebhookDispatcher) =>
        new WebhooksService(config, repository, dispatcher),
    },
    WebhooksLifecycle,
  ],
  exports: [WebhooksService],
})
export class WebhooksModule {}
