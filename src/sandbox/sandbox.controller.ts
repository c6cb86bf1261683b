import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { shapeRef } from '../common/shapes.js';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '../openapi/doc-decorators.js';
import {
  AckDto,
  ConnectionDto,
  EditDto,
  IncomingDto,
  PairingDto,
  ReactDto,
  RegisteredDto,
  RevokeDto,
  SeedDto,
  SentQueryDto,
} from './dto/sandbox-controls.dto.js';
import { SessionName } from '../common/session-name.js';
import { SandboxPhones } from './sandbox-phones.js';
import {
  SandboxConnectionShape,
  SandboxDoneShape,
  SandboxMessageAnswerShape,
  SandboxRegisteredShape,
  SandboxSeedShape,
  SandboxSentShape,
  SandboxStateShape,
} from './sandbox.answers.js';
import { RequireScope } from '../security/require-scope.decorator.js';

/** What a contact does, which needs the server linked to the phone (409 otherwise). */
const CONTACT_ERRORS = [...BODY_ERRORS, 'not_ready', 'not_found'] as const;

/** The simulated phone over JSON, for other projects' integration tests; registered only in a sandbox (404 elsewhere). */
@ApiTags('sandbox')
@RequireScope('admin')
@Controller('api/sandbox')
export class SandboxController {
  constructor(private readonly phones: SandboxPhones) {}

  @Get()
  @ApiOperation({ summary: "The sandbox phone's number and state" })
  @ApiOkResponse({ schema: shapeRef(SandboxStateShape) })
  @ApiErrors()
  async state(@SessionName() session: string) {
    return (await this.phones.controls(session)).state();
  }

  @Post('incoming')
  @HttpCode(200)
  @ApiOperation({ summary: 'A contact writes to the account', description: 'The server receives it as an incoming message.' })
  @ApiOkResponse({ schema: shapeRef(SandboxMessageAnswerShape) })
  @ApiErrors(...BODY_ERRORS, 'not_ready')
  async incoming(@Body() dto: IncomingDto, @SessionName() session: string) {
    return (await this.phones.controls(session)).incoming(dto);
  }

  @Get('sent')
  @ApiOperation({ summary: 'What the server sent to the simulated network, oldest first' })
  @ApiOkResponse({ schema: shapeRef(SandboxSentShape) })
  @ApiErrors('invalid_input')
  async sent(@Query() dto: SentQueryDto, @SessionName() session: string) {
    return (await this.phones.controls(session)).sent(dto.limit);
  }

  @Post('ack')
  @HttpCode(200)
  @ApiOperation({ summary: "The recipient's device acknowledges a sent message (device, read, played)" })
  @ApiOkResponse({ schema: shapeRef(SandboxDoneShape) })
  @ApiErrors(...CONTACT_ERRORS)
  async ack(@Body() dto: AckDto, @SessionName() session: string) {
    return (await this.phones.controls(session)).ack(dto);
  }

  @Post('edit')
  @HttpCode(200)
  @ApiOperation({ summary: 'A contact edits a message of theirs' })
  @ApiOkResponse({ schema: shapeRef(SandboxDoneShape) })
  @ApiErrors(...CONTACT_ERRORS)
  async edit(@Body() dto: EditDto, @SessionName() session: string) {
    return (await this.phones.controls(session)).edit(dto);
  }

  @Post('revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'A contact deletes a message for everyone' })
  @ApiOkResponse({ schema: shapeRef(SandboxDoneShape) })
  @ApiErrors(...CONTACT_ERRORS)
  async revoke(@Body() dto: RevokeDto, @SessionName() session: string) {
    return (await this.phones.controls(session)).revoke(dto);
  }

  @Post('react')
  @HttpCode(200)
  @ApiOperation({ summary: 'A contact reacts to a message' })
  @ApiOkResponse({ schema: shapeRef(SandboxMessageAnswerShape) })
  @ApiErrors(...CONTACT_ERRORS)
  async react(@Body() dto: ReactDto, @SessionName() session: string) {
    return (await this.phones.controls(session)).react(dto);
  }

  @Post('scan')
  @HttpCode(200)
  @ApiOperation({ summary: 'The phone scans the QR the server shows' })
  @ApiOkResponse({ schema: shapeRef(SandboxDoneShape) })
  @ApiErrors('not_ready')
  async scan(@SessionName() session: string) {
    return (await this.phones.controls(session)).scan();
  }

  @Post('pairing')
  @HttpCode(200)
  @ApiOperation({ summary: 'The phone enters the pairing code the server gave (POST /api/pairing-code)' })
  @ApiOkResponse({ schema: shapeRef(SandboxDoneShape) })
  @ApiErrors(...BODY_ERRORS)
  async pairing(@Body() dto: PairingDto, @SessionName() session: string) {
    return (await this.phones.controls(session)).pairing(dto);
  }

  @Post('unlink')
  @HttpCode(200)
  @ApiOperation({ summary: 'The phone removes the linked device', description: 'Even in auto mode, it then waits for a scan.' })
  @ApiOkResponse({ schema: shapeRef(SandboxDoneShape) })
  @ApiErrors('not_ready')
  async unlink(@SessionName() session: string) {
    return (await this.phones.controls(session)).unlink();
  }

  @Post('connection')
  @HttpCode(200)
  @ApiOperation({ summary: "The phone's connection drops (up false) or comes back (up true)" })
  @ApiOkResponse({ schema: shapeRef(SandboxConnectionShape) })
  @ApiErrors(...BODY_ERRORS, 'not_ready')
  async connection(@Body() dto: ConnectionDto, @SessionName() session: string) {
    return (await this.phones.controls(session)).connection(dto);
  }

  @Post('registered')
  @HttpCode(200)
  @ApiOperation({ summary: 'Which numbers are on WhatsApp (all are by default)' })
  @ApiOkResponse({ schema: shapeRef(SandboxRegisteredShape) })
  @ApiErrors(...BODY_ERRORS)
  async registered(@Body() dto: RegisteredDto, @SessionName() session: string) {
    return (await this.phones.controls(session)).registered(dto);
  }

  @Post('seed')
  @HttpCode(200)
  @ApiOperation({ summary: "Replaces the account's chats with generated sample chats" })
  @ApiOkResponse({ schema: shapeRef(SandboxSeedShape) })
  @ApiErrors(...BODY_ERRORS, 'not_ready')
  async seed(@Body() dto: SeedDto, @SessionName() session: string) {
    return (await this.phones.controls(session)).seed(dto);
  }
}
