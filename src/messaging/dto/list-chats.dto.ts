import { CHATS_LIMIT } from '../../common/input-rules.js';
import { IsLimit } from '../../common/validation.js';
import { ApiProperty } from '../../openapi/doc-decorators.js';
import { limitDoc } from '../../openapi/input-docs.js';

export class ListChatsDto {
  @ApiProperty(limitDoc(CHATS_LIMIT, 'chats'))
  @IsLimit(CHATS_LIMIT.max, CHATS_LIMIT.fallback)
  limit: number = CHATS_LIMIT.fallback;
}
