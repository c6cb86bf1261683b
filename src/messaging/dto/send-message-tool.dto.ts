import { ValidateBy } from 'class-validator';
import { IDEMPOTENCY_KEY_PATTERN } from '../../idempotency/idempotency.service.js';
import { ApiProperty } from '../../openapi/doc-decorators.js';
import { SendMessageDto } from './send-message.dto.js';

export const IDEMPOTENCY_KEY_RULE = 'idempotency_key must be 1 to 255 visible ASCII characters (no spaces)';

/** The send tool's input: the REST body plus the key REST takes as the Idempotency-Key header. */
export class SendMessageToolDto extends SendMessageDto {
  @ApiProperty({
    description:
      'Optional, 1 to 255 visible ASCII characters. A repeat with the same key and the same number and message gets the ' +
      'first answer again and sends nothing; the same key with another message fails with `idempotency_mismatch`; a ' +
      'repeat while the first call runs fails with `idempotency_in_progress`. Use a new key for each new message.',
    required: false,
  })
  @ValidateBy({
    name: 'isIdempotencyKey',
    validator: {
      validate: (value) => value === undefined || (typeof value === 'string' && IDEMPOTENCY_KEY_PATTERN.test(value)),
      defaultMessage: () => IDEMPOTENCY_KEY_RULE,
    },
  })
  idempotency_key?: string;
}
