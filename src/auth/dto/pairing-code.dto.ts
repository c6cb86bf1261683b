import { ApiProperty } from '@nestjs/swagger';
import { IsPhoneNumber } from '../../common/validation.js';
import { PHONE_NUMBER_DOC } from '../../openapi/input-docs.js';

export class PairingCodeDto {
  @ApiProperty(PHONE_NUMBER_DOC)
  @IsPhoneNumber()
  phone_number!: string;
}
