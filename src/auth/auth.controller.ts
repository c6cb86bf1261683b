import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '../openapi/doc-decorators.js';
import { SessionName } from '../common/session-name.js';
import { shapeRef } from '../common/shapes.js';
import {
  ClientStatusShape,
  LogoutAnswerShape,
  PairingCodeAlreadyLinkedShape,
  PairingCodeIssuedShape,
  STATUS_EXAMPLE,
} from './auth.answers.js';
import { AuthService, PAIRING_INSTRUCTIONS } from './auth.service.js';
import { PairingCodeDto } from './dto/pairing-code.dto.js';
import { RequireScope } from '../security/require-scope.decorator.js';

@ApiTags('auth')
@Controller('api')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Get('status')
  @RequireScope('read')
  @ApiOperation({ summary: 'The status object' })
  @ApiOkResponse({ schema: shapeRef(ClientStatusShape) })
  @ApiErrors()
  status(@SessionName() session: string) {
    return this.auth.status(session);
  }

  @Post('auth/start')
  @RequireScope('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start Chrome and authentication if needed',
    description: 'Answers once the start has settled: `qr`, `authenticated`, `ready`, or `stopped` with `last_error`.',
  })
  @ApiOkResponse({ schema: shapeRef(ClientStatusShape) })
  @ApiErrors(...BODY_ERRORS, 'browser_unavailable')
  start(@SessionName() session: string) {
    return this.auth.start(session);
  }

  @Post('pairing-code')
  @RequireScope('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Link by phone number: get an 8-character pairing code to enter on the phone' })
  @ApiOkResponse({
    description: 'A code, or `already_authenticated: true` when the account is already linked and ready',
    schema: { oneOf: [shapeRef(PairingCodeIssuedShape), shapeRef(PairingCodeAlreadyLinkedShape)] },
    examples: {
      code: {
        summary: 'Not linked yet',
        value: { already_authenticated: false, phone_number: '15551234567', code: 'K7PQ2WXZ', instructions: PAIRING_INSTRUCTIONS },
      },
      linked: {
        summary: 'Already linked',
        value: { already_authenticated: true, code: null, status: STATUS_EXAMPLE },
      },
    },
  })
  @ApiErrors(...BODY_ERRORS, 'not_ready', 'rate_limited', 'whatsapp_error', 'start_failed', 'browser_unavailable')
  pairingCode(@Body() dto: PairingCodeDto, @SessionName() session: string) {
    return this.auth.pairingCode(dto.phone_number, session);
  }

  @Post('logout')
  @RequireScope('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Log out',
    description: 'State becomes `stopped`, QR and account cleared, saved session deleted, the linked device revoked when it was connected.',
  })
  @ApiOkResponse({ schema: shapeRef(LogoutAnswerShape) })
  @ApiErrors(...BODY_ERRORS)
  logout(@SessionName() session: string) {
    return this.auth.logout(session);
  }
}
