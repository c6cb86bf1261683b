import request from 'supertest';
import { createTestApp, type TestApp } from '../app-harness.js';

let t: TestApp | undefined;

afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

describe('message.sent source', () => {
  it('is api for a message sent through REST (reported before the send answered) and phone for one sent elsewhere', async () => {
    t = await createTestApp();
    await t.pair();
    const http = request(t.app.getHttpServer());
    const sent = await http.post('/api/send').send({ phone_number: '+1 555 123 4567', message: 'from the API' }).expect(200);
    t.fake.current.emit('message_create', {
      id: 'true_15551234567@c.us_PHONE1',
      from: '15550001111@c.us',
      to: '15551234567@c.us',
      author: null,
      from_me: true,
      type: 'chat',
      body: 'from the phone',
      timestamp: 1_700_000_600,
      has_media: false,
      chat_id: '15551234567@c.us',
    });
    const { body } = await request(t.app.getHttpServer()).get('/api/events?types=message.sent').expect(200);
    expect(body.events.map((e: { data: { id: string; body: string; source: string } }) => [e.data.id, e.data.body, e.data.source])).toEqual(
      [
        [sent.body.message_id, 'from the API', 'api'],
        ['true_15551234567@c.us_PHONE1', 'from the phone', 'phone'],
      ],
    );
  });
});
