import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { shapeRef } from '../common/shapes.js';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.js';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '../openapi/doc-decorators.js';
import {
  DeliveriesAnswerShape,
  DeliveryAnswerShape,
  OkShape,
  WebhookAnswerShape,
  WebhookCreatedShape,
  WebhookSecretShape,
  WebhooksAnswerShape,
} from './webhooks.answers.js';
import { CreateWebhookDto, ListDeliveriesDto, UpdateWebhookDto } from './dto/webhook.dto.js';
import { WebhooksService } from './webhooks.service.js';
import { RequireScope } from '../security/require-scope.decorator.js';

@ApiTags('webhooks')
@RequireScope('admin', 'every')
@Controller('api/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a webhook',
    description: 'The answer is the only one that carries the secret besides GET /api/webhooks/{id}/secret.',
  })
  @ApiResponse({ status: 201, schema: shapeRef(WebhookCreatedShape) })
  @ApiErrors(...BODY_ERRORS)
  create(@Body() dto: CreateWebhookDto) {
    return { ok: true, webhook: this.webhooks.create(dto) };
  }

  @Get()
  @ApiOperation({ summary: 'List the webhooks (without secrets)' })
  @ApiOkResponse({ schema: shapeRef(WebhooksAnswerShape) })
  @ApiErrors()
  list() {
    return { ok: true, webhooks: this.webhooks.list() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a webhook' })
  @ApiOkResponse({ schema: shapeRef(WebhookAnswerShape) })
  @ApiErrors('not_found')
  get(@Param('id') id: string) {
    return { ok: true, webhook: this.webhooks.get(id) };
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a webhook', description: 'The webhook `env` only takes `enabled`.' })
  @ApiOkResponse({ schema: shapeRef(WebhookAnswerShape) })
  @ApiErrors(...BODY_ERRORS, 'not_found', 'webhook_read_only')
  update(@Param('id') id: string, @Body() dto: UpdateWebhookDto) {
    return { ok: true, webhook: this.webhooks.update(id, dto) };
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a webhook and its deliveries' })
  @ApiOkResponse({ schema: shapeRef(OkShape) })
  @ApiErrors('not_found', 'webhook_read_only')
  delete(@Param('id') id: string) {
    this.webhooks.delete(id);
    return { ok: true };
  }

  @Get(':id/secret')
  @ApiOperation({ summary: 'Read a webhook’s signing secret' })
  @ApiOkResponse({ schema: shapeRef(WebhookSecretShape) })
  @ApiErrors('not_found')
  secret(@Param('id') id: string) {
    return { ok: true, secret: this.webhooks.secret(id) };
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a webhook.test event for this webhook only' })
  @ApiAcceptedResponse({ schema: shapeRef(DeliveryAnswerShape) })
  @ApiErrors('not_found')
  test(@Param('id') id: string) {
    return { ok: true, delivery: this.webhooks.test(id) };
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'The newest deliveries of a webhook' })
  @ApiOkResponse({ schema: shapeRef(DeliveriesAnswerShape) })
  @ApiErrors('invalid_input', 'not_found')
  deliveries(@Param('id') id: string, @Query() dto: ListDeliveriesDto) {
    return { ok: true, deliveries: this.webhooks.deliveries(id, dto.status, dto.limit) };
  }

  @Post(':id/deliveries/:delivery/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a failed delivery again, with a fresh round of attempts' })
  @ApiAcceptedResponse({ schema: shapeRef(DeliveryAnswerShape) })
  @ApiErrors('not_found', 'delivery_not_failed')
  retry(@Param('id') id: string, @Param('delivery') delivery: string) {
    return { ok: true, delivery: this.webhooks.retry(id, delivery) };
  }
}
