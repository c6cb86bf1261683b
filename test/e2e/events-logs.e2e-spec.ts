import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { createTestApp, type TestApp } from '../app-harness.js';
import { busOf, chatMessage } from '../event-bus.js';
import { SqliteConnection } from '../../src/database/sqlite-connection.js';
import { WhatsAppTopic } from '../../src/whatsapp/whatsapp-events.js';

/* Its own file: the captured logger must belong to the first app of the file (see logs.e2e-spec.ts). */

let t: TestApp;

afterAll(async () => {
  await t?.app.close();
});

it('never logs a message body, also when storing an event fails', async () => {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  t = await createTestApp({ LOG_LEVEL: 'trace' }, { logger: pino({ level: 'trace' }, stream) });
  const bus = busOf(t.app);
  bus.publish(WhatsAppTopic.received, { message: chatMessage(1, { body: 'the secret body 4711' }) });
  bus.publish(WhatsAppTopic.edited, { id: 'm1', chat_id: 'c', body: 'the secret edit 4712' });
  const res = await request(t.app.getHttpServer()).get('/api/events').expect(200);
  expect(res.body.count).toBe(2);
  t.app.get(SqliteConnection).db.close();
  expect(() => bus.publish(WhatsAppTopic.received, { message: chatMessage(2, { body: 'the secret body 4713' }) })).not.toThrow();
  // Events are stored at the end of the synchronous stretch that recorded them (one transaction per burst).
  await new Promise((resolve) => setImmediate(resolve));
  const logs = chunks.join('');
  // Jest's module sandbox makes the native error fail `instanceof Error`, hence the optional prefix.
  expect(logs).toMatch(/Could not store a message\.received event of session default: (TypeError: )?The database connection is not open/);
  expect(logs).not.toMatch(/secret (body|edit) 471/);
});
