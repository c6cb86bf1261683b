import { IsMessageText, IsPhoneNumber } from '../../common/validation.js';
import { ApiProperty } from '../../openapi/doc-decorators.js';
import { MESSAGE_DOC, phoneNumberDoc } from '../../openapi/input-docs.js';

export class SendMessageDto {
  /** Digits only once validated, e.g. `15551234567`. */
  @ApiProperty(phoneNumberDoc('The recipient.'))
  @IsPhoneNumber()
  phone_number!: string;

  @ApiProperty(MESSAGE_DOC)
  @IsMessageText()
  message!: string;
}
