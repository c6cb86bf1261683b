import { z } from 'zod';
import { answer, documented, isoTime } from '../common/shapes.js';

/* The answers of /api/webhooks. */

const OK = documented(z.literal(true), undefined, true);

const webhookFields = {
  id: documented(z.string(), '`env` for the webhook of WHATSAPP_WEBHOOK_URL', 'wh_01kb9y2m6v4q8x7r3t5n0p1a2b'),
  url: documented(z.string(), undefined, 'https://crm.example.com/whatsapp'),
  events: documented(z.array(z.string()), 'Event types, or `["*"]` for all', ['message.received']),
  sessions: documented(z.array(z.string()), 'Sessions (accounts) whose events it gets, or `["*"]` for all', ['*']),
  description: documented(z.string().nullable(), undefined, 'CRM'),
  enabled: documented(z.boolean(), undefined, true),
  disabled_reason: documented(z.string().nullable(), 'Why it was disabled (a 410 answer, or the API)', null),
  created_at: isoTime(),
};

export const WebhookShape = answer('Webhook', z.object(webhookFields));

const SecretField = documented(
  z.string(),
  'Standard Webhooks secret: verify `webhook-signature` with it',
  'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
);

export const WebhookCreatedShape = answer(
  'WebhookCreated',
  z.object({ ok: OK, webhook: z.object({ ...webhookFields, secret: SecretField }) }),
);
export const WebhookAnswerShape = answer('WebhookAnswer', z.object({ ok: OK, webhook: WebhookShape }));
export const WebhooksAnswerShape = answer('WebhooksAnswer', z.object({ ok: OK, webhooks: z.array(WebhookShape) }));
export const WebhookSecretShape = answer('WebhookSecret', z.object({ ok: OK, secret: SecretField }));
export const OkShape = answer('Ok', z.object({ ok: OK }));

export const DeliveryShape = answer(
  'Delivery',
  z.object({
    id: documented(z.string(), undefined, 'dlv_01KB9Y2M6V4Q8X7R3T5N0P1A2B'),
    webhook_id: documented(z.string(), undefined, 'env'),
    event_id: documented(z.string(), 'Also the `webhook-id` header, the same on every attempt', 'evt_01KB9Y2M6V4Q8X7R3T5N0P1A2B'),
    event_type: documented(z.string(), undefined, 'message.received'),
    status: documented(z.enum(['pending', 'delivered', 'failed']), undefined, 'delivered'),
    attempts: documented(z.int().min(0), undefined, 1),
    last_status_code: documented(z.int().nullable(), 'The receiver’s last answer; null when none came', 200),
    last_error: documented(z.string().nullable(), undefined, null),
    next_attempt_at: documented(isoTime().nullable(), 'While pending', null),
    delivered_at: documented(isoTime().nullable(), undefined, '2026-11-30T12:00:00.000Z'),
  }),
);
export const DeliveryAnswerShape = answer('DeliveryAnswer', z.object({ ok: OK, delivery: DeliveryShape }));
export const DeliveriesAnswerShape = answer('DeliveriesAnswer', z.object({ ok: OK, deliveries: z.array(DeliveryShape) }));
