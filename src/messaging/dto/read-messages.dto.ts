import { MESSAGES_LIMIT } from '../../common/input-rules.js';
import { IsLimit, IsPhoneNumber } from '../../common/validation.js';
import { ApiProperty } from '../../openapi/doc-decorators.js';
import { limitDoc, phoneNumberDoc } from '../../openapi/input-docs.js';

export class ReadMessagesDto {
  @ApiProperty(phoneNumberDoc('The other person in a one-to-one chat.'))
  @IsPhoneNumber()
  phone_number!: string;

  @ApiProperty(limitDoc(MESSAGES_LIMIT, 'of the latest messages'))
  @IsLimit(MESSAGES_LIMIT.max, MESSAGES_LIMIT.fallback)
  limit: number = MESSAGES_LIMIT.fallback;
}
