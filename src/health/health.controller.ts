import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';
import { isAuthenticated } from '../security/api-key.js';
import { HealthService } from './health.service.js';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get(['', 'health'])
  check(@Req() request: Request) {
    return this.health.health(isAuthenticated(request));
  }
}
