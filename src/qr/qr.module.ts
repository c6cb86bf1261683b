import { Module } from '@nestjs/common';
import { WhatsAppModule } from '../whatsapp/whatsapp.module.js';
import { QrController } from './qr.controller.js';
import { QrService } from './qr.service.js';

@Module({ imports: [WhatsAppModule], controllers: [QrController], providers: [QrService] })
export class QrModule {}
