import { loadAppConfig } from '../config/app-config.js';

const SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;

describe('webhook configuration', () => {
  it('has the contract defaults', () => {
    expect(loadAppConfig({})).toEqual(
      expect.objectContaining({
        webhookUrl: null,
        webhookSecret: null,
        webhookEvents: ['*'],
        webhookRetryMinMs: 5000,
        webhookRetryMaxMs: 3_600_000,
        webhookMaxAttempts: 15,
        webhookTimeoutMs: 10_000,
      }),
    );
  });

  it('reads the environment webhook', () => {
    const config = loadAppConfig({
      WHATSAPP_WEBHOOK_URL: 'https://hooks.example.invalid/wa',
      WHATSAPP_WEBHOOK_SECRET: SECRET,
      WHATSAPP_WEBHOOK_EVENTS: 'message.received, message.ack,message.received',
    });
    expect(config).toEqual(
      expect.objectContaining({
        webhookUrl: 'https://hooks.example.invalid/wa',
        webhookSecret: SECRET,
        webhookEvents: ['message.received', 'message.ack'],
      }),
    );
  });

  it.each([
    [
      { WHATSAPP_WEBHOOK_URL: 'ftp://x.invalid/' },
      'Invalid configuration: WHATSAPP_WEBHOOK_URL must be an http:// or https:// URL without user or password',
    ],
    [
      { WHATSAPP_WEBHOOK_URL: 'http://user:pw@x.invalid/' },
      'Invalid configuration: WHATSAPP_WEBHOOK_URL must be an http:// or https:// URL without user or password',
    ],
    [
      { WHATSAPP_WEBHOOK_URL: 'http://x.invalid/' },
      'Invalid configuration: WHATSAPP_WEBHOOK_SECRET must be set with WHATSAPP_WEBHOOK_URL (whsec_ and the base64 of 24 to 64 random bytes)',
    ],
    [
      { WHATSAPP_WEBHOOK_SECRET: 'hunter2' },
      'Invalid configuration: WHATSAPP_WEBHOOK_SECRET must be whsec_ followed by the base64 of 24 to 64 random bytes',
    ],
    [
      { WHATSAPP_WEBHOOK_SECRET: `whsec_${Buffer.alloc(8).toString('base64')}` },
      'Invalid configuration: WHATSAPP_WEBHOOK_SECRET must be whsec_ followed by the base64 of 24 to 64 random bytes',
    ],
    [
      { WHATSAPP_WEBHOOK_EVENTS: 'message.received,message.deleted' },
      'Invalid configuration: WHATSAPP_WEBHOOK_EVENTS must list event types (message.received, message.sent, message.ack, message.revoked, message.edited, message.reaction, session.status, outbox.failed, webhook.test) or * (unknown: message.deleted)',
    ],
    [
      { WHATSAPP_WEBHOOK_RETRY_MIN_MS: '0' },
      'Invalid configuration: WHATSAPP_WEBHOOK_RETRY_MIN_MS must be an integer from 1 to 86400000 (got "0")',
    ],
    [
      { WHATSAPP_WEBHOOK_RETRY_MIN_MS: '5000', WHATSAPP_WEBHOOK_RETRY_MAX_MS: '100' },
      'Invalid configuration: WHATSAPP_WEBHOOK_RETRY_MAX_MS must not be below WHATSAPP_WEBHOOK_RETRY_MIN_MS (5000)',
    ],
    [
      { WHATSAPP_WEBHOOK_MAX_ATTEMPTS: '0' },
      'Invalid configuration: WHATSAPP_WEBHOOK_MAX_ATTEMPTS must be an integer from 1 to 1000 (got "0")',
    ],
    [
      { WHATSAPP_WEBHOOK_TIMEOUT_MS: 'soon' },
      'Invalid configuration: WHATSAPP_WEBHOOK_TIMEOUT_MS must be an integer from 1 to 600000 (got "soon")',
    ],
  ])('refuses %j', (env, message) => {
    expect(() => loadAppConfig(env)).toThrow(message);
  });

  it('never puts the secret in the error message', () => {
    const bad = 'whsec_not-base64!!';
    expect(() => loadAppConfig({ WHATSAPP_WEBHOOK_SECRET: bad })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(bad) }),
    );
  });
});
