import { ApiProperty } from '@nestjs/swagger';
import { IsMessageText, IsPhoneNumber } from '../../common/validation.js';
import { MESSAGE_DOC, PHONE_NUMBER_DOC } from '../../openapi/input-docs.js';

export class SendMessageDto {
  /** Digits only once validated, e.g. `15551234567`. */
  @ApiProperty(PHONE_NUMBER_DOC)
  @IsPhoneNumber()
  phone_number!: string;

  @ApiProperty(MESSAGE_DOC)
  @IsMessageText()
  message!: string;
}
