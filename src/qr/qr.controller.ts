import { Body, Controller, Get, Header, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { SessionName } from '../common/session-name.js';
import type { Request, Response } from 'express';
import { ApiErrors, ApiOpenRouteErrors, BODY_ERRORS } from '../openapi/api-errors.js';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '../openapi/doc-decorators.js';
import { shapeRef } from '../common/shapes.js';
import { QrAnswerShape } from './qr.answers.js';
import { grantOf, isAuthenticated, OPEN_ACCESS, refusal } from '../security/access.js';
import { QrService } from './qr.service.js';
import { AnyKey, RequireScope } from '../security/require-scope.decorator.js';

const HTML = { 'text/html': { schema: { type: 'string' } } } as const;

/**
 * The server's default (helmet's no-referrer) makes a browser post the key form with `Origin: null`,
 * which the Origin check refuses; same-origin keeps the page's own origin on its form.
 */
const REFERRER_POLICY = 'same-origin';

/** The QR is a credential (whoever scans it links their phone here): never cached, never framed. */
@ApiTags('qr')
@Controller()
export class QrController {
  constructor(private readonly qr: QrService) {}

  @Get('qr')
  // The page's session comes from `?session=`, not the path: the handler checks the key against it.
  @RequireScope('read', 'none')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', REFERRER_POLICY)
  @ApiOperation({
    summary: 'The QR page for a browser',
    description:
      'Self-contained HTML: the QR as a 360x360 PNG (or why there is none), the state, a 5 s refresh. Accepts the key ' +
      'or the cookie set by POST /qr/login.',
  })
  @ApiOkResponse({ description: 'The QR page', content: HTML })
  @ApiResponse({ status: 401, description: 'A key is set and none was given: a form asking for it (HTML)', content: HTML })
  @ApiOpenRouteErrors()
  page(@Req() request: Request, @Res({ passthrough: true }) response: Response, @Query('session') session: unknown) {
    const name = this.qr.pageSession(session, false);
    if (!isAuthenticated(request)) return this.qr.keyForm(response, name);
    // A session outside the key's list is refused before whether it exists is told.
    const refused = refusal(grantOf(request) ?? OPEN_ACCESS, 'read', name);
    if (refused) throw refused;
    return this.qr.page(this.qr.pageSession(session, true));
  }

  @Post('qr/login')
  @AnyKey()
  @Header('Referrer-Policy', REFERRER_POLICY)
  @HttpCode(303)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "The QR page's key form",
    description:
      'The right key sets an HttpOnly cookie (valid one hour) that opens the read-only browser pages: /qr, /api/qr, ' +
      '/openapi.json and /docs. Tries are limited per address (429).',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ schema: { type: 'object', properties: { key: { type: 'string', description: 'WHATSAPP_API_KEY' } }, required: ['key'] } })
  @ApiResponse({
    status: 303,
    description: 'The key is right (or none is set): back to /qr',
    headers: {
      Location: { description: '/qr', schema: { type: 'string' } },
      'Set-Cookie': { description: 'The QR cookie, when a key is set', schema: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 401, description: 'A wrong key: the form again (HTML)', content: HTML })
  @ApiOpenRouteErrors(...BODY_ERRORS, 'rate_limited')
  login(
    @Body('key') key: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query('session') session: unknown,
  ) {
    return this.qr.login(key, request, response, this.qr.pageSession(session, false));
  }

  @Get('api/qr')
  @RequireScope('read')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The pending QR as JSON', description: 'Accepts the key or the QR cookie.' })
  @ApiOkResponse({ schema: shapeRef(QrAnswerShape) })
  @ApiErrors()
  json(@SessionName() session: string) {
    return this.qr.qr(session);
  }
}
