import { Module } from '@nestjs/common';
import { WhatsAppClientFactory } from './whatsapp-client.port.js';
import { WhatsAppService } from './whatsapp.service.js';
import { WwebjsClientFactory } from './wwebjs.adapter.js';

@Module({
  providers: [WhatsAppService, { provide: WhatsAppClientFactory, useClass: WwebjsClientFactory }],
  exports: [WhatsAppService],
})
export class WhatsAppModule {}
