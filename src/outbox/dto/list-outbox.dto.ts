import { ApiProperty } from '../../openapi/doc-decorators.js';
import { ValidateBy } from 'class-validator';
import { IsLimit } from '../../common/validation.js';
import { limitDoc } from '../../openapi/input-docs.js';
import { OUTBOX_STATES, type OutboxState } from '../outbox-item.js';

export const OUTBOX_LIMIT = { max: 500, fallback: 50 };
const STATE_RULE = `state must be one of ${OUTBOX_STATES.join(', ')}`;

export class ListOutboxDto {
  @ApiProperty({ description: `Only items in this state (else 400 "${STATE_RULE}").`, enum: OUTBOX_STATES, required: false })
  @ValidateBy({
    name: 'isOutboxState',
    validator: {
      validate: (value: unknown) => value === undefined || (OUTBOX_STATES as readonly unknown[]).includes(value),
      defaultMessage: () => STATE_RULE,
    },
  })
  state?: OutboxState;

  @ApiProperty(limitDoc(OUTBOX_LIMIT, 'items'))
  @IsLimit(OUTBOX_LIMIT.max, OUTBOX_LIMIT.fallback)
  limit: number = OUTBOX_LIMIT.fallback;
}
