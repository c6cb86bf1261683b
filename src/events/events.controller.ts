import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SessionName } from '../common/session-name.js';
import { shapeRef } from '../common/shapes.js';
import { ApiErrors } from '../openapi/api-errors.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '../openapi/doc-decorators.js';
import { EventsAnswerShape } from './events.answers.js';
import { ListEventsDto } from './dto/list-events.dto.js';
import { StreamEventsDto } from './dto/stream-events.dto.js';
import { EventStreamService } from './event-stream.service.js';
import { EventsService } from './events.service.js';
import { CallerGrant, type Grant } from '../security/access.js';
import { RequireScope } from '../security/require-scope.decorator.js';

@ApiTags('events')
@RequireScope('read')
@Controller('api/events')
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly streams: EventStreamService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Stored events after a cursor, oldest first' })
  @ApiOkResponse({ schema: shapeRef(EventsAnswerShape) })
  @ApiErrors('invalid_input')
  list(@Query() dto: ListEventsDto, @SessionName() session: string) {
    return this.events.list({ ...dto, session });
  }

  @Get('stream')
  @ApiOperation({ summary: 'Stored events after a cursor (or Last-Event-ID), then live ones, as server-sent events' })
  @ApiOkResponse({ description: 'Server-sent events', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiErrors('invalid_input')
  stream(
    @Query() dto: StreamEventsDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() res: Response,
    @SessionName() session: string,
    @CallerGrant() grant: Grant,
  ): void {
    this.streams.open(res, dto, lastEventId, session, grant);
  }
}
