import { z } from 'zod';
import { ClientStatusShape, STATUS_EXAMPLE } from '../auth/auth.answers.js';
import { answer, documented } from '../common/shapes.js';

/* The answers of /api/sessions and whatsapp_list_sessions. */

export const SessionShape = answer(
  'Session',
  z
    .object({
      name: documented(z.string(), 'The session name; `/api/sessions/{name}/...` acts on it', 'sales'),
      status: ClientStatusShape,
    })
    .describe('One linked account (or one waiting to be linked) and its status.'),
);

export const SessionAnswerShape = answer(
  'SessionAnswer',
  z.object({ ok: documented(z.literal(true), undefined, true), session: SessionShape }),
);

export const SessionsAnswerShape = answer(
  'SessionsAnswer',
  z.object({
    ok: documented(z.literal(true), undefined, true),
    sessions: documented(z.array(SessionShape), '`default` first, then in the order they were created', [
      { name: 'default', status: STATUS_EXAMPLE },
    ]),
  }),
);

export const SessionDeletedShape = answer(
  'SessionDeleted',
  z.object({
    ok: documented(z.literal(true), undefined, true),
    deleted: documented(z.string(), 'The session that was deleted', 'sales'),
    revoked: documented(z.boolean(), 'Whether WhatsApp confirmed the linked device was removed', true),
  }),
);

export type SessionView = z.infer<typeof SessionShape>;
export type SessionAnswer = z.infer<typeof SessionAnswerShape>;
export type SessionsAnswer = z.infer<typeof SessionsAnswerShape>;
export type SessionDeleted = z.infer<typeof SessionDeletedShape>;
