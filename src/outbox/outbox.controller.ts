import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { SessionName } from '../common/session-name.js';
import { shapeRef } from '../common/shapes.js';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '../openapi/doc-decorators.js';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.js';
import { EnqueueDto } from './dto/enqueue.dto.js';
import { ListOutboxDto } from './dto/list-outbox.dto.js';
import { OutboxItemAnswerShape, OutboxListAnswerShape } from './outbox.schemas.js';
import { OutboxService } from './outbox.service.js';
import { RequireScope } from '../security/require-scope.decorator.js';

@ApiTags('outbox')
@RequireScope('send')
@Controller('api/outbox')
export class OutboxController {
  constructor(private readonly outbox: OutboxService) {}

  @Post()
  @HttpCode(202)
  @Idempotent('outbox')
  @ApiOperation({
    summary: 'Queue a text message',
    description: 'Stored before the answer; sent once the session is ready, in order per recipient, paced by the sending limits.',
  })
  @ApiAcceptedResponse({ schema: shapeRef(OutboxItemAnswerShape) })
  @ApiErrors(...BODY_ERRORS, 'idempotency_mismatch', 'idempotency_in_progress')
  enqueue(@Body() dto: EnqueueDto, @SessionName() session: string) {
    return this.outbox.enqueue(dto.phone_number, dto.message, session);
  }

  @Get()
  @ApiOperation({ summary: 'List outbox items, newest first' })
  @ApiOkResponse({ schema: shapeRef(OutboxListAnswerShape) })
  @ApiErrors('invalid_input')
  list(@Query() dto: ListOutboxDto, @SessionName() session: string) {
    return this.outbox.list(dto.state, dto.limit, session);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an outbox item' })
  @ApiOkResponse({ schema: shapeRef(OutboxItemAnswerShape) })
  @ApiErrors('not_found')
  get(@Param('id') id: string, @SessionName() session: string) {
    return this.outbox.get(id, session);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Cancel a queued item', description: 'It ends `failed` with the error `cancelled`; any other state is 409.' })
  @ApiOkResponse({ schema: shapeRef(OutboxItemAnswerShape) })
  @ApiErrors('not_found', 'outbox_not_cancellable')
  cancel(@Param('id') id: string, @SessionName() session: string) {
    return this.outbox.cancel(id, session);
  }
}
