import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.js';
import { EnqueueDto } from './dto/enqueue.dto.js';
import { ListOutboxDto } from './dto/list-outbox.dto.js';
import { OutboxItemAnswerSchema, OutboxListAnswerSchema } from './outbox.schemas.js';
import { OutboxService } from './outbox.service.js';

@ApiTags('outbox')
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
  @ApiAcceptedResponse({ type: OutboxItemAnswerSchema })
  @ApiErrors(...BODY_ERRORS, 'idempotency_mismatch', 'idempotency_in_progress')
  enqueue(@Body() dto: EnqueueDto) {
    return this.outbox.enqueue(dto.phone_number, dto.message);
  }

  @Get()
  @ApiOperation({ summary: 'List outbox items, newest first' })
  @ApiOkResponse({ type: OutboxListAnswerSchema })
  @ApiErrors('invalid_input')
  list(@Query() dto: ListOutboxDto) {
    return this.outbox.list(dto.state, dto.limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an outbox item' })
  @ApiOkResponse({ type: OutboxItemAnswerSchema })
  @ApiErrors('not_found')
  get(@Param('id') id: string) {
    return this.outbox.get(id);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Cancel a queued item', description: 'It ends `failed` with the error `cancelled`; any other state is 409.' })
  @ApiOkResponse({ type: OutboxItemAnswerSchema })
  @ApiErrors('not_found', 'outbox_not_cancellable')
  cancel(@Param('id') id: string) {
    return this.outbox.cancel(id);
  }
}
