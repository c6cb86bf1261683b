import { z } from 'zod';
import { answer, documented } from '../common/shapes.js';

/* The answers of the sandbox's JSON controls (REST /api/sandbox/...). */

const OK = documented(z.literal(true), undefined, true);
const MESSAGE_ID = 'true_4915123456789@c.us_3EB0C767D26A1B2C3D4E';

export const SandboxStateShape = answer(
  'SandboxState',
  z
    .object({
      ok: OK,
      me: documented(z.string(), "The simulated account's own number, digits only", '15550000000'),
      linked: documented(z.boolean(), 'The server is linked to the phone as a device', true),
      qr_pending: documented(z.boolean(), 'The server shows a QR the phone could scan', false),
      chats: documented(z.int().min(0), 'Chats the account holds', 25),
    })
    .describe('The simulated phone.'),
);

export const SandboxDoneShape = answer('SandboxDone', z.object({ ok: OK }).describe('The phone did it.'));

export const SandboxMessageAnswerShape = answer(
  'SandboxMessageAnswer',
  z.object({ ok: OK, id: documented(z.string(), 'The new message: its id as the server sees it', MESSAGE_ID) }),
);

export const SandboxSentShape = answer(
  'SandboxSent',
  z.object({
    ok: OK,
    messages: z.array(
      z
        .object({
          id: documented(z.string(), 'The message id, as the server answered the send', MESSAGE_ID),
          to: documented(z.string(), undefined, '4915123456789@c.us'),
          type: documented(z.string(), undefined, 'chat'),
          body: documented(z.string(), undefined, 'Danke!'),
          timestamp: documented(z.int(), 'Unix seconds', 1767605400),
          media: z
            .object({
              mimetype: documented(z.string(), undefined, 'application/pdf'),
              filename: documented(z.string().nullable(), undefined, 'invoice.pdf'),
              size: documented(z.int().min(0), 'Bytes', 48213),
              sha256: documented(
                z.string(),
                'SHA-256 of the bytes that arrived (hex)',
                'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
              ),
            })
            .optional()
            .describe('Media messages only: the file as the phone received it.'),
        })
        .describe('A message that reached the simulated network from the server.'),
    ),
  }),
);

export const SandboxConnectionShape = answer('SandboxConnection', z.object({ ok: OK, up: documented(z.boolean(), undefined, false) }));

export const SandboxRegisteredShape = answer(
  'SandboxRegistered',
  z.object({
    ok: OK,
    numbers: z.array(documented(z.string(), undefined, '4915123456789')),
    registered: documented(z.boolean(), undefined, false),
  }),
);

export const SandboxSeedShape = answer(
  'SandboxSeed',
  z.object({ ok: OK, chats: documented(z.int().min(0), undefined, 25), messages_per_chat: documented(z.int().min(0), undefined, 12) }),
);
