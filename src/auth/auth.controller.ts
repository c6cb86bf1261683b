import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { AuthService } from './auth.service.js';
import { PairingCodeDto } from './dto/pairing-code.dto.js';

@Controller('api')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Get('status')
  status() {
    return this.auth.status();
  }

  @Post('auth/start')
  @HttpCode(200)
  start() {
    return this.auth.start();
  }

  @Post('pairing-code')
  @HttpCode(200)
  pairingCode(@Body() dto: PairingCodeDto) {
    return this.auth.pairingCode(dto.phone_number);
  }

  @Post('logout')
  @HttpCode(200)
  logout() {
    return this.auth.logout();
  }
}
