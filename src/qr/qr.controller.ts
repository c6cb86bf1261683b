import { Controller, Get, Header } from '@nestjs/common';
import { QrService } from './qr.service.js';

@Controller()
export class QrController {
  constructor(private readonly qr: QrService) {}

  @Get('qr')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page() {
    return this.qr.page();
  }

  @Get('api/qr')
  json() {
    return this.qr.qr();
  }
}
