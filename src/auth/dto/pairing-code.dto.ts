import { IsPhoneNumber } from '../../common/validation.js';

export class PairingCodeDto {
  @IsPhoneNumber()
  phone_number!: string;
}
