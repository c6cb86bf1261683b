import { Module } from '@nestjs/common';
import { LimitsModule } from '../limits/limits.module.js';
import { WhatsAppModule } from '../whatsapp/whatsapp.module.js';
import { QrController } from './qr.controller.js';
import { QrService } from './qr.service.js';

@Module({ imports: [WhatsAppModule, LimitsModule], controllers: [QrController], providers: [QrService] })
export class QrModule {}
