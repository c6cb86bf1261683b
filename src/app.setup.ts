import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppExceptionFilter } from './common/app-exception.filter.js';
import { requestIdMiddleware } from './common/request-id.js';
import { InputPipe } from './common/validation.js';

/** Everything main.ts and the e2e tests share, so the tests exercise the real pipeline. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.useBodyParser('json', { limit: '1mb' });
  app.useGlobalPipes(new InputPipe());
  app.useGlobalFilters(new AppExceptionFilter());
  app.enableShutdownHooks();
  return app;
}

/** Nest's own parser would accept only 100 kB; configureApp installs ours with the 1 MiB limit. */
export const APP_OPTIONS = { bodyParser: false } as const;
