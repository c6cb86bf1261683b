import { ApiProperty } from '../../openapi/doc-decorators.js';
import { IsOptional } from 'class-validator';
import { IsLimit } from '../../common/validation.js';
import { limitDoc } from '../../openapi/input-docs.js';
import { HISTORY_LIMIT, MESSAGE_ID_RULE } from '../search-rules.js';
import { IsMessageId } from './store-validation.js';

/** `GET /api/chats/{chat_id}/messages`: a page of stored history, older than `before`. */
export class ChatHistoryDto {
  @ApiProperty({
    description: `The next_before of the previous page: messages older than this one (else 400 "${MESSAGE_ID_RULE}").`,
    required: false,
  })
  @IsOptional()
  @IsMessageId()
  before?: string;

  @ApiProperty(limitDoc(HISTORY_LIMIT, 'messages'))
  @IsLimit(HISTORY_LIMIT.max, HISTORY_LIMIT.fallback)
  limit: number = HISTORY_LIMIT.fallback;
}
