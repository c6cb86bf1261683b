import { MESSAGES_LIMIT } from '../../common/input-rules.js';
import { IsLimit, IsPhoneNumber } from '../../common/validation.js';

export class ReadMessagesDto {
  @IsPhoneNumber()
  phone_number!: string;

  @IsLimit(MESSAGES_LIMIT.max, MESSAGES_LIMIT.fallback)
  limit: number = MESSAGES_LIMIT.fallback;
}
