import { z } from 'zod';
import { answer, documented, isoTime } from '../common/shapes.js';
import { CLIENT_STATES } from '../whatsapp/client-status.js';
import { PAIRING_INSTRUCTIONS } from './auth.service.js';

/* The answers of linking (REST /api/status, /api/auth/start, /api/pairing-code, /api/logout and their tools). */

const SINCE = '2026-01-05T09:30:00.000Z';

/** A ready status, for the examples of answers that embed one. */
export const STATUS_EXAMPLE = {
  state: 'ready',
  ready: true,
  authenticated: true,
  auth_dir: '/srv/whatsapp-mcp-api/.wwebjs_auth',
  chrome_executable: '/usr/bin/chromium',
  headless: true,
  has_qr: false,
  last_error: null,
  account: { wid: '15550001111@c.us', pushname: 'Alice', platform: 'android' },
  session_saved: true,
  since: SINCE,
  restarts: 0,
  next_restart_at: null,
  store: { chats: 12, messages: 840, backfill: 'done', progress: 1 },
} as const;

export const ClientStateShape = answer('ClientState', documented(z.enum(CLIENT_STATES), undefined, 'ready'));

export const AccountShape = answer(
  'Account',
  z
    .object({
      wid: documented(z.string(), undefined, '15550001111@c.us'),
      pushname: documented(z.string(), undefined, 'Alice'),
      platform: documented(z.string(), undefined, 'android'),
    })
    .describe('The linked account (filled once ready).'),
);

export const StoreStatusShape = answer(
  'StoreStatus',
  z
    .object({
      chats: documented(z.int().min(0), 'Chats stored', 12),
      messages: documented(z.int().min(0), 'Messages stored', 840),
      backfill: documented(z.enum(['idle', 'running', 'done']), 'The copy of recent history after `ready`', 'done'),
      progress: documented(z.number().min(0).max(1), 'Share of the current or last backfill pass done (0 to 1)', 1),
    })
    .describe('The message store of this account; null when WHATSAPP_STORE=off.'),
);

export const ClientStatusShape = answer(
  'ClientStatus',
  z
    .object({
      state: ClientStateShape,
      ready: documented(z.boolean(), 'true only in `ready`', true),
      authenticated: documented(z.boolean(), 'true in `authenticated` and `ready`', true),
      auth_dir: documented(z.string(), 'Base folder of saved sessions', STATUS_EXAMPLE.auth_dir),
      chrome_executable: documented(z.string().nullable(), 'The Chrome or Chromium in use', '/usr/bin/chromium'),
      headless: documented(z.boolean(), undefined, true),
      has_qr: documented(z.boolean(), 'A QR is waiting to be scanned (GET /qr, GET /api/qr)', false),
      last_error: documented(z.string().nullable(), 'Why the client stopped or disconnected', null),
      account: AccountShape.nullable(),
      session_saved: documented(z.boolean(), 'A linked session is saved on disk: the server reconnects it by itself', true),
      since: documented(isoTime(), 'When the current state began (ISO 8601)', SINCE),
      restarts: documented(z.int().min(0), 'Automatic restarts since the server started', 0),
      next_restart_at: documented(isoTime().nullable(), 'When the next automatic restart is due (ISO 8601)', null),
      store: StoreStatusShape.nullable(),
      sandbox: documented(
        z.literal(true),
        'Present only in a sandbox (WHATSAPP_SANDBOX): the phone and WhatsApp are simulated',
        true,
      ).optional(),
    })
    .describe('The status object: where the linked-device client is.'),
);

export const PairingCodeIssuedShape = answer(
  'PairingCodeIssued',
  z
    .object({
      already_authenticated: documented(z.literal(false), undefined, false),
      phone_number: documented(z.string(), 'The number the code was requested for, digits only', '15551234567'),
      code: documented(z.string().length(8), 'The 8-character code to type on the phone', 'K7PQ2WXZ'),
      instructions: documented(z.string(), undefined, PAIRING_INSTRUCTIONS),
    })
    .describe('Not linked yet: enter the code on the phone.'),
);

export const PairingCodeAlreadyLinkedShape = answer(
  'PairingCodeAlreadyLinked',
  z
    .object({
      already_authenticated: documented(z.literal(true), undefined, true),
      code: documented(z.null(), 'Always null', null),
      status: ClientStatusShape,
    })
    .describe('Already linked and ready: no code.'),
);

/** One of the two: REST documents it as a oneOf, MCP as an object that is one of them. */
export const PairingCodeAnswerShape = z.discriminatedUnion('already_authenticated', [
  PairingCodeIssuedShape,
  PairingCodeAlreadyLinkedShape,
]);
export type PairingCodeAnswer = z.infer<typeof PairingCodeAnswerShape>;

export const LogoutAnswerShape = answer(
  'LogoutAnswer',
  z.object({
    ok: documented(z.literal(true), undefined, true),
    revoked: documented(z.boolean(), 'WhatsApp revoked the linked device (it was connected); false when none was linked', true),
  }),
);
export type LogoutAnswer = z.infer<typeof LogoutAnswerShape>;
