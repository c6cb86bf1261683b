import type { ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidateBy, ValidateIf } from 'class-validator';
import { IsLimit, IsPhoneNumber } from '../../common/validation.js';
import { ApiProperty } from '../../openapi/doc-decorators.js';
import { limitDoc, phoneNumberDoc } from '../../openapi/input-docs.js';
import { IsEventCursor } from './event-filters.js';

export const WAIT_LIMIT = { max: 100, fallback: 20 } as const;
export const MAX_WAIT_SECONDS = 60;
export const TIMEOUT_RULE = `timeout_seconds must be an integer between 0 and ${MAX_WAIT_SECONDS}`;

/** Missing (undefined or null) waits not at all; anything but a whole number of seconds in range is refused. */
function seconds(value: unknown): number | null {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_WAIT_SECONDS ? value : null;
}

const PHONE_FILTER_DOC = {
  ...phoneNumberDoc('Only messages from this number (its one-to-one chat); without it, from every chat.'),
  required: false,
} as ApiPropertyOptions;

export class WaitForMessagesDto {
  @ApiProperty(PHONE_FILTER_DOC)
  @ValidateIf((dto: WaitForMessagesDto) => dto.phone_number !== undefined)
  @IsPhoneNumber()
  phone_number?: string;

  @ApiProperty({
    type: 'string',
    description:
      'An event id: only messages after it. Pass the `next_after` of the previous answer. Without it: only messages ' +
      'that arrive after this call (the newest event at the call is the cursor).',
    required: false,
  })
  @IsEventCursor()
  after: string | null = null;

  @ApiProperty({
    type: 'integer',
    description: `How long to wait for a first message, in seconds; 0 answers at once with what is there (else "${TIMEOUT_RULE}").`,
    minimum: 0,
    maximum: MAX_WAIT_SECONDS,
    default: 0,
    required: false,
  })
  @Transform(({ value }: { value: unknown }) => seconds(value) ?? value)
  @ValidateBy({ name: 'isWaitSeconds', validator: { validate: (value) => seconds(value) !== null, defaultMessage: () => TIMEOUT_RULE } })
  timeout_seconds: number = 0;

  @ApiProperty(limitDoc(WAIT_LIMIT, 'messages'))
  @IsLimit(WAIT_LIMIT.max, WAIT_LIMIT.fallback)
  limit: number = WAIT_LIMIT.fallback;
}
