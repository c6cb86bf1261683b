import { EventEmitter2 } from '@nestjs/event-emitter';
import request from 'supertest';
import { MessagingTopic } from '../../src/messaging/messaging.service.js';
import { WhatsAppTopic } from '../../src/whatsapp/whatsapp-events.js';
import { createTestApp, type TestApp } from '../app-harness.js';

/* Metrics is a listener: what it counts comes from the bus, whoever publishes there. */

let t: TestApp;

afterEach(async () => {
  await t.app.close();
});

function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('metrics from bus events', () => {
  it('counts send outcomes and shows the default session state and restarts from status events', async () => {
    t = await createTestApp();
    const bus = t.app.get(EventEmitter2);
    bus.emit(MessagingTopic.sendOutcome, { session: 'default', code: null });
    bus.emit(MessagingTopic.sendOutcome, { session: 'default', code: null });
    bus.emit(MessagingTopic.sendOutcome, { session: 'default', code: 'rate_limited' });
    bus.emit(MessagingTopic.sendOutcome, { session: 'other', code: null });
    const status = { ...t.whatsapp.session().status(), state: 'disconnected', restarts: 3 };
    bus.emit(WhatsAppTopic.status, { session: 'default', at: new Date(), previous: 'ready', status });
    // Another account's state is its own series.
    bus.emit(WhatsAppTopic.status, {
      session: 'other',
      at: new Date(),
      previous: 'ready',
      status: { ...status, state: 'qr', restarts: 9 },
    });

    const text = (await request(t.app.getHttpServer()).get('/metrics').expect(200)).text;
    expect(sample(text, 'whatsapp_messages_sent_total{session="default"}')).toBe(2);
    expect(sample(text, 'whatsapp_messages_failed_total{session="default",code="rate_limited"}')).toBe(1);
    expect(sample(text, 'whatsapp_client_state{session="default",state="disconnected"}')).toBe(1);
    expect(sample(text, 'whatsapp_client_state{session="default",state="qr"}')).toBe(0);
    expect(sample(text, 'whatsapp_client_state{session="default",state="stopped"}')).toBe(0);
    expect(sample(text, 'whatsapp_restarts{session="default"}')).toBe(3);
    expect(sample(text, 'whatsapp_messages_sent_total{session="other"}')).toBe(1);
    expect(sample(text, 'whatsapp_client_state{session="other",state="qr"}')).toBe(1);
    expect(sample(text, 'whatsapp_restarts{session="other"}')).toBe(9);
  });

  it('before any event: stopped, no restarts', async () => {
    t = await createTestApp();
    const text = (await request(t.app.getHttpServer()).get('/metrics').expect(200)).text;
    expect(sample(text, 'whatsapp_client_state{session="default",state="stopped"}')).toBe(1);
    expect(sample(text, 'whatsapp_restarts{session="default"}')).toBe(0);
  });
});
