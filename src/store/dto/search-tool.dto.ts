import type { ApiPropertyOptions } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsLimit, IsPhoneNumber } from '../../common/validation.js';
import { ApiProperty } from '../../openapi/doc-decorators.js';
import { limitDoc, phoneNumberDoc } from '../../openapi/input-docs.js';
import { MAX_QUERY_LENGTH, MAX_QUERY_TERMS } from '../search-query.js';
import { SEARCH_LIMIT } from '../search-rules.js';
import { CONTEXT_RULE, IsContext, IsToolQuery } from './store-validation.js';

/** The MCP search tool's input: the REST search's words, one chat by number, and context around each hit. */
export class SearchToolDto {
  @ApiProperty({
    description: `Words to find, all of them, ignoring case and accents; a "quoted phrase" matches in order, a trailing * a prefix; at most ${MAX_QUERY_TERMS} different words or phrases.`,
    example: 'invoice "next week"',
    minLength: 1,
    maxLength: MAX_QUERY_LENGTH,
  })
  @IsToolQuery()
  query!: string;

  @ApiProperty({ ...phoneNumberDoc('Only the private chat with this number.'), required: false } as ApiPropertyOptions)
  @IsOptional()
  @IsPhoneNumber()
  phone_number?: string;

  @ApiProperty(limitDoc(SEARCH_LIMIT, 'messages'))
  @IsLimit(SEARCH_LIMIT.max, SEARCH_LIMIT.fallback)
  limit: number = SEARCH_LIMIT.fallback;

  @ApiProperty({
    description: `Messages of the chat to add before and after each hit (else "${CONTEXT_RULE}").`,
    type: 'integer',
    minimum: 0,
    maximum: 5,
    default: 0,
    required: false,
  })
  @IsContext()
  context: number = 0;
}
