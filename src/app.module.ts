import { type DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AuthModule } from './auth/auth.module.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MediaModule } from './media/media.module.js';
import { McpModule } from './mcp/mcp.module.js';
import { MediaDownloadModule } from './media/download/media-download.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { MessagingModule } from './messaging/messaging.module.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { QrModule } from './qr/qr.module.js';
import { StoreModule } from './store/store.module.js';
import { SandboxModule } from './sandbox/sandbox.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { SecurityModule } from './security/security.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({
  imports: [
    ConfigModule,
    SecurityModule,
    EventEmitterModule.forRoot(),
    LoggingModule,
    DatabaseModule,
    EventsModule,
    WebhooksModule,
    MetricsModule,
    HealthModule,
    SessionsModule,
    AuthModule,
    IdempotencyModule,
    MessagingModule,
    MediaModule,
    OutboxModule,
    StoreModule,
    MediaDownloadModule,
    QrModule,
    McpModule,
  ],
})
export class AppModule {
  /**
   * The app as configured: with WHATSAPP_SANDBOX its simulated phone and routes, which otherwise do
   * not exist (404). `documented`: the sandbox's routes without a phone, for the OpenAPI build only.
   */
  static register(sandbox: 'on' | 'off' | 'documented'): DynamicModule {
    const imports = { on: [SandboxModule.register()], off: [], documented: [SandboxModule.documented()] }[sandbox];
    return { module: AppModule, imports };
  }
}
