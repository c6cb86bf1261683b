import { Body, Controller, Get, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiOpenRouteErrors, BODY_ERRORS } from '../openapi/api-errors.js';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '../openapi/doc-decorators.js';
import { isAuthenticated } from '../security/access.js';
import { SandboxPageService } from './sandbox-page.service.js';
import { SANDBOX_CSP } from './sandbox-routes.js';
import { AnyKey, RequireScope } from '../security/require-scope.decorator.js';

const text = (type: string) => ({ [type]: { schema: { type: 'string' } } });

/**
 * The server's default (helmet's no-referrer) makes a browser post the key form with `Origin: null`,
 * which the Origin check refuses; same-origin keeps the page's own origin on its form and calls.
 */
const REFERRER_POLICY = 'same-origin';

/** The /sandbox page for a person, its two static files and its key form's target; registered only in a sandbox. */
@ApiTags('sandbox')
@Controller('sandbox')
export class SandboxPageController {
  constructor(private readonly pages: SandboxPageService) {}

  @Get()
  @RequireScope('admin')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Security-Policy', SANDBOX_CSP)
  @Header('Referrer-Policy', REFERRER_POLICY)
  @ApiOperation({
    summary: 'The sandbox page for a browser',
    description: 'Write as a contact, see what the server sent, drive the phone. Accepts the key or the cookie set by POST /sandbox/login.',
  })
  @ApiOkResponse({ description: 'The sandbox page', content: text('text/html') })
  @ApiResponse({ status: 401, description: 'A key is set and none was given: a form asking for it (HTML)', content: text('text/html') })
  @ApiOpenRouteErrors()
  page(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return isAuthenticated(request) ? this.pages.page() : this.pages.keyForm(response);
  }

  @Post('login')
  @AnyKey()
  @HttpCode(303)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Security-Policy', SANDBOX_CSP)
  @Header('Referrer-Policy', REFERRER_POLICY)
  @ApiOperation({
    summary: "The sandbox page's key form",
    description:
      'The right key sets the same cookie as POST /qr/login, which also opens /sandbox and /api/sandbox/*. Tries are limited per address (429).',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: { type: 'object', properties: { key: { type: 'string', description: 'WHATSAPP_API_KEY' } }, required: ['key'] } })
  @ApiResponse({
    status: 303,
    description: 'The key is right (or none is set): back to /sandbox',
    headers: {
      Location: { description: '/sandbox', schema: { type: 'string' } },
      'Set-Cookie': { description: 'The cookie, when a key is set', schema: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 401, description: 'A wrong key: the form again (HTML)', content: text('text/html') })
  @ApiOpenRouteErrors(...BODY_ERRORS, 'rate_limited')
  login(@Body('key') key: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.pages.login(key, request, response);
  }

  @Get('sandbox.js')
  @AnyKey()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: "The sandbox page's script" })
  @ApiOkResponse({ description: 'JavaScript', content: text('text/javascript') })
  @ApiOpenRouteErrors()
  script() {
    return this.pages.asset('script');
  }

  @Get('sandbox.css')
  @AnyKey()
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: "The sandbox page's style sheet" })
  @ApiOkResponse({ description: 'CSS', content: text('text/css') })
  @ApiOpenRouteErrors()
  style() {
    return this.pages.asset('style');
  }
}
