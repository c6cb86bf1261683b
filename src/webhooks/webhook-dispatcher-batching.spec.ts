import Database from 'better-sqlite3';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { migrate } from '../database/migrations.js';
import type { SqliteConnection } from '../database/sqlite-connection.js';
import { SqliteWebhooksRepository } from './sqlite-webhooks.repository.js';
import type { Settlement } from './webhook.types.js';
import { receiver } from '../../test/webhook-receiver.js';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe('WebhookDispatcher: answers written in batches', () => {
  it('sends each of 300 deliveries exactly once and writes their answers in far fewer transactions', async () => {
    const r = await receiver((_hit, _n, res) => res.writeHead(204).end());
    const db = new Database(':memory:');
    migrate(db);
    const repository = new SqliteWebhooksRepository({ db } as SqliteConnection);
    const batches: number[] = [];
    const settle = repository.settle.bind(repository);
    repository.settle = (settlements: readonly Settlement[]) => {
      batches.push(settlements.length);
      settle(settlements);
    };
    const dispatcher = new WebhookDispatcher(repository, { minMs: 10, maxMs: 40, maxAttempts: 5, timeoutMs: 5_000 });
    try {
      repository.create({
        id: 'wh_1',
        url: r.url,
        events: ['*'],
        sessions: ['*'],
        description: null,
        secret: SECRET,
        enabled: true,
        disabled_reason: null,
        created_at: new Date().toISOString(),
      });
      const events = Array.from({ length: 300 }, (_, n) => ({
        event: { id: `evt_${String(n).padStart(4, '0')}`, type: 'message.received', session: 'default', timestamp: '', data: { n } },
        webhookIds: ['wh_1'],
      }));
      let d = 0;
      repository.enqueueAll(events, Date.now(), () => `dlv_${String(++d).padStart(4, '0')}`);
      dispatcher.pump('wh_1');
      await r.reach(300);
      const deadline = Date.now() + 15_000;
      while (repository.deliveries('wh_1', 'delivered', 500).length < 300) {
        if (Date.now() > deadline) throw new Error(`waited for 300 delivered; saw ${JSON.stringify([...repository.pendingCounts()])}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // A moment more: an answered delivery read back as due would be sent again now.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const ids = r.hits.map((hit) => String(hit.headers['webhook-id']));
      expect(ids).toHaveLength(300);
      expect(new Set(ids).size).toBe(300);
      expect(batches.reduce((sum, n) => sum + n, 0)).toBe(300);
      expect(batches.length).toBeLessThan(300);
    } finally {
      await dispatcher.close();
      await r.close();
    }
  });
});
