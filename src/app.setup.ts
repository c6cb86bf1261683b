import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, urlencoded } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppExceptionFilter } from './common/app-exception.filter.js';
import { rejectDeepJson } from './common/json-depth.js';
import { requestIdMiddleware } from './common/request-id.js';
import { InputPipe } from './common/validation.js';
import { AppConfig } from './config/app-config.js';
import { accessLog } from './logging/access-log.js';
import { ROOT_LOGGER } from './logging/root-logger.js';
import { MEDIA_ROUTES, mediaBody } from './media/media-body.js';
import { httpMetrics } from './metrics/http-metrics.js';
import { MetricsService } from './metrics/metrics.service.js';
import { setupOpenApi } from './openapi/openapi.js';
import { SANDBOX_INCOMING_LIMIT, SANDBOX_INCOMING_ROUTES, SANDBOX_LOGIN_ROUTE } from './sandbox/sandbox-routes.js';
import { sessionRouting } from './sessions/session-routing.js';
import { WhatsAppService } from './whatsapp/whatsapp.service.js';
import { ApiKeys } from './security/api-keys.js';
import { allowsOrigin, apiKeyCheck, hostCheck, originCheck, QR_LOGIN_ROUTE } from './security/security.middleware.js';

/** Everything main.ts and the e2e tests share, so the tests exercise the real pipeline. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.use(accessLog(app.get(ROOT_LOGGER)));
  app.use(httpMetrics(app.get(MetricsService)));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        // Our pages need no script; Swagger UI (/docs) loads its own from this server.
        directives: {
          defaultSrc: ["'none'"],
          imgSrc: ["'self'", 'data:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          scriptSrc: [(request) => ((request as { url?: string }).url?.startsWith('/docs') ? "'self'" : "'none'")],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      // TLS, and so HSTS, is the reverse proxy's business.
      strictTransportSecurity: false,
    }),
  );
  // Security checks run before any body is read: a refused request costs nothing.
  app.use(hostCheck(config));
  app.use(originCheck(config));
  const allowed = allowsOrigin(config);
  app.enableCors({
    origin: (origin, grant) => grant(null, allowed(origin)),
    allowedHeaders: ['Content-Type', 'Authorization', 'X-Api-Key', 'Mcp-Session-Id', 'Mcp-Protocol-Version', 'Last-Event-ID'],
    exposedHeaders: ['Mcp-Session-Id', 'Retry-After', 'WWW-Authenticate', 'X-Request-Id'],
  });
  app.use(apiKeyCheck(app.get(ApiKeys), config));
  app.use(sessionRouting(app.get(WhatsAppService)));
  // Before the global parser: a body these have read is not read again (a file needs more room than 1 MiB).
  if (config.sandbox) app.use(SANDBOX_INCOMING_ROUTES, json({ limit: SANDBOX_INCOMING_LIMIT }));
  app.use(MEDIA_ROUTES, mediaBody(config.mediaMaxBytes));
  app.useBodyParser('json', { limit: '1mb' });
  app.use(rejectDeepJson);
  // Form bodies only where a form posts: elsewhere an HTML form could not even reach a handler.
  app.use(QR_LOGIN_ROUTE, urlencoded({ limit: '4kb', extended: false }));
  if (config.sandbox) app.use(SANDBOX_LOGIN_ROUTE, urlencoded({ limit: '4kb', extended: false }));
  app.useGlobalPipes(new InputPipe());
  app.useGlobalFilters(new AppExceptionFilter());
  setupOpenApi(app);
  app.enableShutdownHooks(SHUTDOWN_SIGNALS);
  return app;
}

/**
 * Only these stop the server: Nest's default list also has SIGUSR2, which Node's
 * `--heapsnapshot-signal=SIGUSR2` needs for itself.
 */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'];

/** Nest's own parser would accept only 100 kB; configureApp installs ours with the 1 MiB limit. */
export const APP_OPTIONS = { bodyParser: false } as const;
