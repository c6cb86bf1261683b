import { Module } from '@nestjs/common';
import { WhatsAppModule } from '../whatsapp/whatsapp.module.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

@Module({ imports: [WhatsAppModule], controllers: [HealthController], providers: [HealthService] })
export class HealthModule {}
