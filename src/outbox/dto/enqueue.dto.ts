import { ApiProperty } from '../../openapi/doc-decorators.js';
import { IsMessageText, IsPhoneNumber } from '../../common/validation.js';
import { MESSAGE_DOC, phoneNumberDoc } from '../../openapi/input-docs.js';

export class EnqueueDto {
  /** Digits only once validated. */
  @ApiProperty(phoneNumberDoc('The recipient.'))
  @IsPhoneNumber()
  phone_number!: string;

  @ApiProperty(MESSAGE_DOC)
  @IsMessageText()
  message!: string;
}
