import type { ApiPropertyOptions } from '@nestjs/swagger';
import { ApiProperty } from '../../openapi/doc-decorators.js';
import { IsOptional } from 'class-validator';
import { IsLimit, IsPhoneNumber } from '../../common/validation.js';
import { limitDoc, phoneNumberDoc } from '../../openapi/input-docs.js';
import type { SearchFilters } from '../message-store.repository.js';
import { MAX_QUERY_LENGTH, MAX_QUERY_TERMS, QUERY_RULE, QUERY_TERMS_RULE } from '../search-query.js';
import { CHAT_ID_RULE, FROM_ME_RULE, SEARCH_LIMIT, timeRule } from '../search-rules.js';
import { IsChatId, IsFromMe, IsSearchCursor, IsSearchQuery, IsTime } from './store-validation.js';

const timeDoc = (name: 'after' | 'before', meaning: string) => ({
  description: `${meaning}: Unix seconds or an ISO 8601 date (else 400 "${timeRule(name)}").`,
  example: name === 'after' ? '2026-01-01T00:00:00Z' : 1767225600,
});

/** `GET /api/search`: what to look for and where. */
export class SearchMessagesDto {
  @ApiProperty({
    description:
      `Words to find, all of them, ignoring case and accents; a "quoted phrase" matches in order and a trailing * matches ` +
      `a prefix; anything else is plain text (else 400 "${QUERY_RULE}"); at most ${MAX_QUERY_TERMS} different words or ` +
      `phrases (else 400 "${QUERY_TERMS_RULE}").`,
    example: 'invoice "next week" reuni*',
    minLength: 1,
    maxLength: MAX_QUERY_LENGTH,
  })
  @IsSearchQuery()
  q!: string;

  @ApiProperty({ ...phoneNumberDoc('Only the private chat with this number.'), required: false } as ApiPropertyOptions)
  @IsOptional()
  @IsPhoneNumber()
  phone_number?: string;

  @ApiProperty({ description: `Only this chat (else 400 "${CHAT_ID_RULE}").`, example: '120363000000000000@g.us', required: false })
  @IsOptional()
  @IsChatId()
  chat_id?: string;

  @ApiProperty({
    description: `Only messages sent by this account (true) or by others (false) (else 400 "${FROM_ME_RULE}").`,
    type: Boolean,
    required: false,
  })
  @IsOptional()
  @IsFromMe()
  from_me?: boolean;

  @ApiProperty({ ...timeDoc('after', 'Only messages sent at or after this time'), required: false })
  @IsOptional()
  @IsTime('after')
  after?: number;

  @ApiProperty({ ...timeDoc('before', 'Only messages sent before this time'), required: false })
  @IsOptional()
  @IsTime('before')
  before?: number;

  @ApiProperty(limitDoc(SEARCH_LIMIT, 'messages'))
  @IsLimit(SEARCH_LIMIT.max, SEARCH_LIMIT.fallback)
  limit: number = SEARCH_LIMIT.fallback;

  @ApiProperty({ description: 'The next_cursor of the previous page.', required: false })
  @IsOptional()
  @IsSearchCursor()
  cursor?: string;
}

/** The repository's filters for a validated query; a phone number means the private chat with it. */
export function searchFilters(dto: SearchMessagesDto, session: string): SearchFilters {
  return {
    session,
    chatId: dto.phone_number === undefined ? dto.chat_id : `${dto.phone_number}@c.us`,
    fromMe: dto.from_me,
    after: dto.after,
    before: dto.before,
  };
}
