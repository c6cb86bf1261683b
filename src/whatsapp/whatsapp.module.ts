import { Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock.js';
import { StoreStatusHook } from './store-status.hook.js';
import { WhatsAppClientFactory } from './whatsapp-client.port.js';
import { WhatsAppSessionFactory } from './whatsapp-session.factory.js';
import { WhatsAppService } from './whatsapp.service.js';
import { WwebjsClientFactory } from './wwebjs.adapter.js';

/** Needs the bus (`EventEmitterModule.forRoot()` in AppModule), on which every session publishes. */
@Module({
  providers: [
    WhatsAppService,
    WhatsAppSessionFactory,
    StoreStatusHook,
    { provide: Clock, useClass: SystemClock },
    { provide: WhatsAppClientFactory, useClass: WwebjsClientFactory },
  ],
  exports: [WhatsAppService, StoreStatusHook],
})
export class WhatsAppModule {}
