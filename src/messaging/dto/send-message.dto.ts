import { IsMessageText, IsPhoneNumber } from '../../common/validation.js';

export class SendMessageDto {
  /** Digits only once validated, e.g. `15551234567`. */
  @IsPhoneNumber()
  phone_number!: string;

  @IsMessageText()
  message!: string;
}
