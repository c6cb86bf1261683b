import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { Idempotent } from '../idempotency/idempotency.interceptor.js';
import { ApiErrors, BODY_ERRORS } from '../openapi/api-errors.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '../openapi/doc-decorators.js';
import { SessionName } from '../common/session-name.js';
import { shapeRef } from '../common/shapes.js';
import { ChatsAnswerShape, MessagesAnswerShape, SendAnswerShape } from './messaging.answers.js';
import { ListChatsDto } from './dto/list-chats.dto.js';
import { ReadMessagesDto } from './dto/read-messages.dto.js';
import { SendMessageDto } from './dto/send-message.dto.js';
import { MessagingService } from './messaging.service.js';
import { RequireScope } from '../security/require-scope.decorator.js';

/** Errors of every call that needs a ready client (a saved session may be started first). */
const READY_ERRORS = ['not_ready', 'whatsapp_error', 'browser_unavailable'] as const;

@ApiTags('messaging')
@Controller('api')
export class MessagingController {
  constructor(private readonly messaging: MessagingService) {}

  @Post('send')
  @RequireScope('send')
  @HttpCode(200)
  @Idempotent('send')
  @ApiOperation({ summary: 'Send a text message', description: 'Subject to the sending limits (429 with Retry-After).' })
  @ApiOkResponse({ schema: shapeRef(SendAnswerShape) })
  @ApiErrors(...BODY_ERRORS, ...READY_ERRORS, 'not_on_whatsapp', 'rate_limited')
  send(@Body() dto: SendMessageDto, @SessionName() session: string) {
    return this.messaging.send(dto.phone_number, dto.message, session);
  }

  @Get('chats')
  @RequireScope('read')
  @ApiOperation({ summary: 'List chats, newest activity first' })
  @ApiOkResponse({ schema: shapeRef(ChatsAnswerShape) })
  @ApiErrors('invalid_input', ...READY_ERRORS)
  listChats(@Query() dto: ListChatsDto, @SessionName() session: string) {
    return this.messaging.listChats(dto.limit, session);
  }

  @Get('messages')
  @RequireScope('read')
  @ApiOperation({ summary: 'Read the last messages of a chat, oldest first' })
  @ApiOkResponse({ schema: shapeRef(MessagesAnswerShape) })
  @ApiErrors('invalid_input', ...READY_ERRORS, 'chat_not_found')
  readMessagesByQuery(@Query() dto: ReadMessagesDto, @SessionName() session: string) {
    return this.messaging.readMessages(dto.phone_number, dto.limit, session);
  }

  @Post('messages')
  @RequireScope('read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Read the last messages of a chat, oldest first (same as the GET, input as JSON)' })
  @ApiOkResponse({ schema: shapeRef(MessagesAnswerShape) })
  @ApiErrors(...BODY_ERRORS, ...READY_ERRORS, 'chat_not_found')
  readMessages(@Body() dto: ReadMessagesDto, @SessionName() session: string) {
    return this.messaging.readMessages(dto.phone_number, dto.limit, session);
  }
}
