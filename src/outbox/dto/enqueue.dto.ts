import { ApiProperty } from '@nestjs/swagger';
import { IsMessageText, IsPhoneNumber } from '../../common/validation.js';
import { MESSAGE_DOC, PHONE_NUMBER_DOC } from '../../openapi/input-docs.js';

export class EnqueueDto {
  /** Digits only once validated. */
  @ApiProperty(PHONE_NUMBER_DOC)
  @IsPhoneNumber()
  phone_number!: string;

  @ApiProperty(MESSAGE_DOC)
  @IsMessageText()
  message!: string;
}
