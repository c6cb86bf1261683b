import { Body, Controller, Get, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isAuthenticated } from '../security/api-key.js';
import { QrService } from './qr.service.js';

/** The QR is a credential (whoever scans it links their phone here): never cached, never framed. */
@Controller()
export class QrController {
  constructor(private readonly qr: QrService) {}

  @Get('qr')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return isAuthenticated(request) ? this.qr.page() : this.qr.keyForm(response);
  }

  @Post('qr/login')
  @HttpCode(303)
  @Header('Cache-Control', 'no-store')
  login(@Body('key') key: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.qr.login(key, request, response);
  }

  @Get('api/qr')
  @Header('Cache-Control', 'no-store')
  json() {
    return this.qr.qr();
  }
}
