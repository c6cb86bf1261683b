import { ApiProperty } from '@nestjs/swagger';
import { OUTBOX_STATES, type OutboxState } from './outbox-item.js';

/** The answer shapes for OpenAPI; the TypeScript types are in outbox-item.ts and outbox.service.ts. */

export class OutboxErrorSchema {
  @ApiProperty({ example: 'not_on_whatsapp', description: 'An error code, or `cancelled`' })
  code!: string;

  @ApiProperty({ example: '15551234567 is not on WhatsApp; nothing was sent.' })
  message!: string;
}

export class OutboxItemSchema {
  @ApiProperty({ example: '01J9ZQ3V7W4X8Y2K5M6N0P1R3S', description: 'A ULID: sorts in order of acceptance' })
  id!: string;

  @ApiProperty({ example: '15551234567', description: 'The recipient, digits only' })
  to!: string;

  @ApiProperty({
    enum: OUTBOX_STATES,
    description: '`unknown`: the server stopped while it was being sent; it may or may not have gone out and is never sent again by itself',
  })
  state!: OutboxState;

  @ApiProperty({ type: 'string', nullable: true, example: 'true_15551234567@c.us_3EB0C767D26A1D0B5E4F', description: 'Once sent' })
  message_id!: string | null;

  @ApiProperty({ type: OutboxErrorSchema, nullable: true, description: 'Why it failed, or the last transient error while it waits for a retry' })
  error!: OutboxErrorSchema | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;
}

export class OutboxItemAnswerSchema {
  @ApiProperty({ enum: [true] })
  ok!: true;

  @ApiProperty({ type: OutboxItemSchema })
  item!: OutboxItemSchema;
}

export class OutboxListAnswerSchema {
  @ApiProperty({ enum: [true] })
  ok!: true;

  @ApiProperty()
  count!: number;

  @ApiProperty({ type: [OutboxItemSchema], description: 'Newest first' })
  items!: OutboxItemSchema[];
}
