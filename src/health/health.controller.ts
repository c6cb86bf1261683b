import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiErrors, ApiOpenRouteErrors } from '../openapi/api-errors.js';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '../openapi/doc-decorators.js';
import { shapeRef } from '../common/shapes.js';
import { HealthAnswerShape, ReadinessAnswerShape } from './health.answers.js';
import { isAuthenticated } from '../security/access.js';
import { HealthService } from './health.service.js';
import { AnyKey } from '../security/require-scope.decorator.js';

@ApiTags('health')
@AnyKey()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get(['', 'health'])
  @ApiOperation({
    summary: 'Liveness, with the status',
    description: 'GET /health answers without the key too, then showing only `{ state, ready }`; GET / needs the key.',
  })
  @ApiOkResponse({ schema: shapeRef(HealthAnswerShape) })
  @ApiErrors()
  check(@Req() request: Request) {
    return this.health.health(isAuthenticated(request));
  }

  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: 200 only while the WhatsApp client is ready', description: 'Needs no key.' })
  @ApiSecurity({})
  @ApiOkResponse({ schema: shapeRef(ReadinessAnswerShape) })
  @ApiResponse({
    status: 503,
    description: 'Not ready',
    schema: shapeRef(ReadinessAnswerShape),
    example: { ready: false, state: 'starting' },
  })
  @ApiOpenRouteErrors()
  ready(@Res({ passthrough: true }) response: Response) {
    return this.health.readiness(response);
  }
}
