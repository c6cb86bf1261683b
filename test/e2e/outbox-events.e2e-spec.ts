import { EventEmitter2 } from '@nestjs/event-emitter';
import request from 'supertest';
import { type OutboxEventPayloads, OutboxTopic } from '../../src/outbox/outbox-item.js';
import { createTestApp, type TestApp } from '../app-harness.js';
import { collect } from '../outbox-setup.js';
import { tempDir } from '../temp-dirs.js';

/* What the outbox publishes becomes a stored event (outbox.failed) and metrics (depth by state, queued→sent time). */

let t: TestApp;
let http: ReturnType<typeof request>;
let bus: EventEmitter2;

beforeEach(async () => {
  t = await createTestApp({ WHATSAPP_DATA_DIR: tempDir('wa-data-') });
  http = request(t.app.getHttpServer());
  bus = t.app.get(EventEmitter2);
});

afterEach(async () => {
  await t.app.close();
});

const enqueue = (phone: string, message: string) => http.post('/api/outbox').send({ phone_number: phone, message });

function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('outbox events and metrics', () => {
  it('a failed item is stored as an outbox.failed event with the item as data', async () => {
    await t.pair();
    t.fake.unregistered.add('15550000009');
    const failed = collect<OutboxEventPayloads['outbox.failed']>(bus, OutboxTopic.failed, 1, 2000);
    const { body } = await enqueue('15550000009', 'hi').expect(202);
    await failed;
    const item = (await http.get(`/api/outbox/${body.item.id}`).expect(200)).body.item;
    const events = (await http.get('/api/events?types=outbox.failed').expect(200)).body;
    expect(events).toEqual({
      ok: true,
      count: 1,
      events: [
        { id: expect.stringMatching(/^evt_/), type: 'outbox.failed', session: 'default', timestamp: expect.any(String), data: item },
      ],
      next_after: events.events[0].id,
    });
    expect(item).toMatchObject({
      state: 'failed',
      error: { code: 'not_on_whatsapp', message: '15550000009 is not on WhatsApp; nothing was sent.' },
    });
  });

  it('shows the depth by state when scraped and the time from queued to sent', async () => {
    await enqueue('15550000001', 'one').expect(202);
    await enqueue('15550000002', 'two').expect(202);
    const before = (await http.get('/metrics').expect(200)).text;
    expect(sample(before, 'outbox_items{state="queued"}')).toBe(2);
    expect(sample(before, 'outbox_items{state="sent"}')).toBe(0);
    expect(sample(before, 'outbox_queued_to_sent_seconds_count')).toBe(0);

    const sent = collect<OutboxEventPayloads['outbox.sent']>(bus, OutboxTopic.sent, 2, 5000);
    await t.pair();
    const payloads = await sent;
    const after = (await http.get('/metrics').expect(200)).text;
    expect(sample(after, 'outbox_items{state="queued"}')).toBe(0);
    expect(sample(after, 'outbox_items{state="sent"}')).toBe(2);
    expect(sample(after, 'outbox_queued_to_sent_seconds_count')).toBe(2);
    const seconds = payloads.reduce((sum, p) => sum + p.queued_ms, 0) / 1000;
    expect(sample(after, 'outbox_queued_to_sent_seconds_sum')).toBeCloseTo(seconds, 6);
    expect((await http.get('/api/events?types=outbox.failed').expect(200)).body.count).toBe(0);
  });
});
