import { ApiProperty } from '@nestjs/swagger';
import { CHATS_LIMIT } from '../../common/input-rules.js';
import { IsLimit } from '../../common/validation.js';
import { limitDoc } from '../../openapi/input-docs.js';

export class ListChatsDto {
  @ApiProperty(limitDoc(CHATS_LIMIT))
  @IsLimit(CHATS_LIMIT.max, CHATS_LIMIT.fallback)
  limit: number = CHATS_LIMIT.fallback;
}
