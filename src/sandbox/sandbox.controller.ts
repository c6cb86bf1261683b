import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
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
import { SandboxControls } from './sandbox-controls.js';

/** The simulated phone over JSON, for other projects' integration tests; registered only in a sandbox. */
@Controller('api/sandbox')
export class SandboxController {
  constructor(private readonly controls: SandboxControls) {}

  @Get()
  state() {
    return this.controls.state();
  }

  @Post('incoming')
  @HttpCode(200)
  incoming(@Body() dto: IncomingDto) {
    return this.controls.incoming(dto);
  }

  @Get('sent')
  sent(@Query() dto: SentQueryDto) {
    return this.controls.sent(dto.limit);
  }

  @Post('ack')
  @HttpCode(200)
  ack(@Body() dto: AckDto) {
    return this.controls.ack(dto);
  }

  @Post('edit')
  @HttpCode(200)
  edit(@Body() dto: EditDto) {
    return this.controls.edit(dto);
  }

  @Post('revoke')
  @HttpCode(200)
  revoke(@Body() dto: RevokeDto) {
    return this.controls.revoke(dto);
  }

  @Post('react')
  @HttpCode(200)
  react(@Body() dto: ReactDto) {
    return this.controls.react(dto);
  }

  @Post('scan')
  @HttpCode(200)
  scan() {
    return this.controls.scan();
  }

  @Post('pairing')
  @HttpCode(200)
  pairing(@Body() dto: PairingDto) {
    return this.controls.pairing(dto);
  }

  @Post('unlink')
  @HttpCode(200)
  unlink() {
    return this.controls.unlink();
  }

  @Post('connection')
  @HttpCode(200)
  connection(@Body() dto: ConnectionDto) {
    return this.controls.connection(dto);
  }

  @Post('registered')
  @HttpCode(200)
  registered(@Body() dto: RegisteredDto) {
    return this.controls.registered(dto);
  }

  @Post('seed')
  @HttpCode(200)
  seed(@Body() dto: SeedDto) {
    return this.controls.seed(dto);
  }
}
