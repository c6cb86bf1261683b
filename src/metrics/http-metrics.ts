import type { NextFunction, Request, Response } from 'express';
import { routeOf } from '../common/route-label.js';
import type { MetricsService } from './metrics.service.js';

/**
 * Counts every request when its answer is finished. The label is the matched route pattern, never
 * the raw path, so that scanners probing random paths cannot blow up the number of series.
 */
export function httpMetrics(metrics: MetricsService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observeRequest(request.method, routeOf(request) ?? 'unmatched', response.statusCode, seconds);
    });
    next();
  };
}
