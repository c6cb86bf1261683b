import { Module } from '@nestjs/common';
import { LimitsModule } from '../limits/limits.module.js';
import { WhatsAppModule } from '../whatsapp/whatsapp.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { AuthTools } from './auth.tools.js';

@Module({
  imports: [WhatsAppModule, LimitsModule],
  controllers: [AuthController],
  providers: [AuthService, AuthTools],
  exports: [AuthService],
})
export class AuthModule {}
