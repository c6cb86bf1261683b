import { CHATS_LIMIT } from '../../common/input-rules.js';
import { IsLimit } from '../../common/validation.js';

export class ListChatsDto {
  @IsLimit(CHATS_LIMIT.max, CHATS_LIMIT.fallback)
  limit: number = CHATS_LIMIT.fallback;
}
