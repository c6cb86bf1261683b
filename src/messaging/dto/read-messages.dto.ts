import { ApiProperty } from '@nestjs/swagger';
import { MESSAGES_LIMIT } from '../../common/input-rules.js';
import { IsLimit, IsPhoneNumber } from '../../common/validation.js';
import { limitDoc, PHONE_NUMBER_DOC } from '../../openapi/input-docs.js';

export class ReadMessagesDto {
  @ApiProperty(PHONE_NUMBER_DOC)
  @IsPhoneNumber()
  phone_number!: string;

  @ApiProperty(limitDoc(MESSAGES_LIMIT))
  @IsLimit(MESSAGES_LIMIT.max, MESSAGES_LIMIT.fallback)
  limit: number = MESSAGES_LIMIT.fallback;
}
