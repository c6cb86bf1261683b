import { Body, Controller, Get, Header, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isAuthenticated } from '../security/api-key.js';
import { SandboxPageService } from './sandbox-page.service.js';
import { SANDBOX_CSP } from './sandbox-routes.js';

/** The /sandbox page for a person, its two static files and its key form's target. */
@Controller('sandbox')
export class SandboxPageController {
  constructor(private readonly pages: SandboxPageService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Security-Policy', SANDBOX_CSP)
  page(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return isAuthenticated(request) ? this.pages.page() : this.pages.keyForm(response);
  }

  @Post('login')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Security-Policy', SANDBOX_CSP)
  login(@Body('key') key: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.pages.login(key, request, response);
  }

  @Get('sandbox.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  script() {
    return this.pages.asset('script');
  }

  @Get('sandbox.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  style() {
    return this.pages.asset('style');
  }
}
