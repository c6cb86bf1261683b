import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { LimitsModule } from '../limits/limits.module.js';
import { WhatsAppModule } from '../whatsapp/whatsapp.module.js';
import { MessagingController } from './messaging.controller.js';
import { ChatMessagesResource } from './messaging.resources.js';
import { MessagingService } from './messaging.service.js';
import { MessagingTools } from './messaging.tools.js';

@Module({
  imports: [WhatsAppModule, LimitsModule, EventsModule],
  controllers: [MessagingController],
  providers: [MessagingService, MessagingTools, ChatMessagesResource],
  exports: [MessagingService],
})
export class MessagingModule {}
