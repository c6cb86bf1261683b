import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ListEventsDto } from './dto/list-events.dto.js';
import { StreamEventsDto } from './dto/stream-events.dto.js';
import { EventStreamService } from './event-stream.service.js';
import { EventsService } from './events.service.js';

// Out of /openapi.json until the OpenAPI rework of issue 10 lands; the lead documents these routes then.
@ApiExcludeController()
@Controller('api/events')
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly streams: EventStreamService,
  ) {}

  @Get()
  list(@Query() dto: ListEventsDto) {
    return this.events.list(dto);
  }

  @Get('stream')
  stream(@Query() dto: StreamEventsDto, @Headers('last-event-id') lastEventId: string | undefined, @Res() res: Response): void {
    this.streams.open(res, dto, lastEventId);
  }
}
