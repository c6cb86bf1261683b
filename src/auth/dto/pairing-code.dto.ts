import { IsPhoneNumber } from '../../common/validation.js';
import { ApiProperty } from '../../openapi/doc-decorators.js';
import { phoneNumberDoc } from '../../openapi/input-docs.js';

export class PairingCodeDto {
  @ApiProperty(phoneNumberDoc('The phone number of the WhatsApp account to link.'))
  @IsPhoneNumber()
  phone_number!: string;
}
