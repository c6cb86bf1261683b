import { Controller, Get, Header } from '@nestjs/common';
import { ApiErrors } from '../openapi/api-errors.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '../openapi/doc-decorators.js';
import { MetricsService } from './metrics.service.js';
import { RequireScope } from '../security/require-scope.decorator.js';

@ApiTags('metrics')
@RequireScope('admin', 'every')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  @ApiOkResponse({ description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiErrors()
  scrape() {
    return this.metrics.metrics();
  }
}
