import { SessionName } from '../common/session-name.js';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { shapeRef } from '../common/shapes.js';
import { ApiErrors } from '../openapi/api-errors.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '../openapi/doc-decorators.js';
import { ChatHistoryDto } from './dto/chat-history.dto.js';
import { SearchMessagesDto } from './dto/search-messages.dto.js';
import { HistoryAnswerShape, SearchAnswerShape, StoredMessageAnswerShape } from './store.answers.js';
import { StoreService } from './store.service.js';
import { RequireScope } from '../security/require-scope.decorator.js';

/** The stored messages; every route answers from the store, also while WhatsApp is not connected. */
@ApiTags('store')
@RequireScope('read')
@Controller('api')
export class StoreController {
  constructor(private readonly store: StoreService) {}

  @Get('search')
  @ApiOperation({
    summary: 'Search the stored messages',
    description: 'Full-text, ignoring case and accents; ranked by relevance, then newest.',
  })
  @ApiOkResponse({ schema: shapeRef(SearchAnswerShape) })
  @ApiErrors('invalid_input', 'store_disabled')
  search(@Query() dto: SearchMessagesDto, @SessionName() session: string) {
    return this.store.search(dto, session);
  }

  @Get('chats/:chat_id/messages')
  @ApiOperation({
    summary: "A page of a chat's stored history, oldest first",
    description: 'Older pages with `before` = the `next_before` of this one.',
  })
  @ApiOkResponse({ schema: shapeRef(HistoryAnswerShape) })
  @ApiErrors('invalid_input', 'chat_not_found', 'store_disabled')
  history(@Param('chat_id') chatId: string, @Query() dto: ChatHistoryDto, @SessionName() session: string) {
    return this.store.history(chatId, dto, session);
  }

  @Get('messages/:message_id')
  @ApiOperation({ summary: 'One stored message, with its delivery state (ack)' })
  @ApiOkResponse({ schema: shapeRef(StoredMessageAnswerShape) })
  @ApiErrors('invalid_input', 'message_not_found', 'store_disabled')
  message(@Param('message_id') messageId: string, @SessionName() session: string) {
    return this.store.message(messageId, session);
  }
}
