import { z } from 'zod';
import { answer, documented, isoTime } from '../common/shapes.js';
import { OUTBOX_STATES } from './outbox-item.js';

/* The answers of /api/outbox. */

const OK = documented(z.literal(true), undefined, true);

export const OutboxItemShape = answer(
  'OutboxItem',
  z.object({
    id: documented(z.string(), 'A ULID: sorts in order of acceptance', '01J9ZQ3V7W4X8Y2K5M6N0P1R3S'),
    to: documented(z.string(), 'The recipient, digits only', '15551234567'),
    state: documented(
      z.enum(OUTBOX_STATES),
      '`unknown`: the server stopped while it was being sent; it may or may not have gone out and is never sent again by itself',
      'sent',
    ),
    message_id: documented(z.string().nullable(), 'Once sent', 'true_15551234567@c.us_3EB0C767D26A1D0B5E4F'),
    error: z
      .object({
        code: documented(z.string(), 'An error code, or `cancelled`', 'not_on_whatsapp'),
        message: documented(z.string(), undefined, '15551234567 is not on WhatsApp; nothing was sent.'),
      })
      .nullable()
      .describe('Why it failed, or the last transient error while it waits for a retry'),
    created_at: isoTime(),
    updated_at: isoTime(),
  }),
);

export const OutboxItemAnswerShape = answer('OutboxItemAnswer', z.object({ ok: OK, item: OutboxItemShape }));
export const OutboxListAnswerShape = answer(
  'OutboxListAnswer',
  z.object({ ok: OK, count: documented(z.int().min(0), undefined, 1), items: z.array(OutboxItemShape).describe('Newest first') }),
);
