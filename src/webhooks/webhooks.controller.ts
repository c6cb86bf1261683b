import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CreateWebhookDto, ListDeliveriesDto, UpdateWebhookDto } from './dto/webhook.dto.js';
import { WebhooksService } from './webhooks.service.js';

@Controller('api/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @HttpCode(201)
  create(@Body() dto: CreateWebhookDto) {
    return { ok: true, webhook: this.webhooks.create(dto) };
  }

  @Get()
  list() {
    return { ok: true, webhooks: this.webhooks.list() };
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return { ok: true, webhook: this.webhooks.get(id) };
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() dto: UpdateWebhookDto) {
    return { ok: true, webhook: this.webhooks.update(id, dto) };
  }

  @Delete(':id')
  delete(@Param('id') id: string) {
    this.webhooks.delete(id);
    return { ok: true };
  }

  @Get(':id/secret')
  secret(@Param('id') id: string) {
    return { ok: true, secret: this.webhooks.secret(id) };
  }

  @Post(':id/test')
  @HttpCode(202)
  test(@Param('id') id: string) {
    return { ok: true, delivery: this.webhooks.test(id) };
  }

  @Get(':id/deliveries')
  deliveries(@Param('id') id: string, @Query() dto: ListDeliveriesDto) {
    return { ok: true, deliveries: this.webhooks.deliveries(id, dto.status, dto.limit) };
  }

  @Post(':id/deliveries/:delivery/retry')
  @HttpCode(202)
  retry(@Param('id') id: string, @Param('delivery') delivery: string) {
    return { ok: true, delivery: this.webhooks.retry(id, delivery) };
  }
}
