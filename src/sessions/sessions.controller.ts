import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { shapeRef } from '../common/shapes.js';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.js';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '../openapi/doc-decorators.js';
import { RequireScope } from '../security/require-scope.decorator.js';
import { CreateSessionDto } from './dto/create-session.dto.js';
import { SessionAnswerShape, SessionDeletedShape, SessionsAnswerShape } from './sessions.answers.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('sessions')
@Controller('api/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post()
  @RequireScope('admin', 'every')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a session (another WhatsApp account)',
    description: 'Stopped until linked: `/api/sessions/{name}/pairing-code`, `/auth/start` or the QR page with `?session=`.',
  })
  @ApiResponse({ status: 201, schema: shapeRef(SessionAnswerShape) })
  @ApiErrors(...BODY_ERRORS, 'session_exists', 'too_many_sessions')
  create(@Body() dto: CreateSessionDto) {
    return this.sessions.create(dto.name);
  }

  @Get()
  @RequireScope('admin', 'every')
  @ApiOperation({ summary: 'List the sessions and their status' })
  @ApiOkResponse({ schema: shapeRef(SessionsAnswerShape) })
  @ApiErrors()
  list() {
    return this.sessions.list();
  }

  @Get(':name')
  @RequireScope('admin', { param: 'name' })
  @ApiOperation({ summary: 'One session and its status' })
  @ApiOkResponse({ schema: shapeRef(SessionAnswerShape) })
  @ApiErrors('session_not_found')
  get(@Param('name') name: string) {
    return this.sessions.get(name);
  }

  @Post(':name/stop')
  @RequireScope('admin', { param: 'name' })
  @HttpCode(200)
  @ApiOperation({
    summary: "Close the session's Chrome",
    description: 'It stays linked; `auth/start`, or any call that needs WhatsApp, launches it again.',
  })
  @ApiOkResponse({ schema: shapeRef(SessionAnswerShape) })
  @ApiErrors('session_not_found')
  stop(@Param('name') name: string) {
    return this.sessions.stop(name);
  }

  @Delete(':name')
  @RequireScope('admin', { param: 'name' })
  @ApiOperation({
    summary: 'Delete a session',
    description: 'Logs the account out, removes its profile and what the server stored for it (messages, queued sends, media).',
  })
  @ApiOkResponse({ schema: shapeRef(SessionDeletedShape) })
  @ApiErrors('invalid_input', 'session_not_found')
  remove(@Param('name') name: string) {
    return this.sessions.remove(name);
  }
}
