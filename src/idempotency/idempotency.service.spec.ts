import Database from 'better-sqlite3';
import { FakeClock } from '../../test/fake-clock.js';
import { AppError } from '../common/app-error.js';
import { migrate } from '../database/migrations.js';
import { SqliteIdempotencyRepository } from './idempotency.sqlite.js';
import { fingerprintOf, IdempotencyService, IdempotencySettings } from './idempotency.service.js';

function setup() {
  const db = new Database(':memory:');
  migrate(db);
  const repository = new SqliteIdempotencyRepository(db);
  const clock = new FakeClock();
  return { db, repository, clock, service: new IdempotencyService(repository, new IdempotencySettings(24), clock) };
}

describe('SqliteIdempotencyRepository', () => {
  it('a second claim of a key fails on the primary key and returns the first', () => {
    const { repository } = setup();
    const record = { scope: 'default:send', key: 'k', fingerprint: 'f1', createdAt: 1, expiresAt: 100 };
    expect(repository.claim(record, 1)).toEqual({ claimed: true });
    expect(repository.claim({ ...record, fingerprint: 'f2' }, 2)).toEqual({ claimed: false, existing: { ...record, answer: null } });
    // Another route is another key.
    expect(repository.claim({ ...record, scope: 'default:outbox' }, 2)).toEqual({ claimed: true });
  });

  it('an expired record is replaced; purge deletes expired ones', () => {
    const { repository } = setup();
    const record = { scope: 's', key: 'k', fingerprint: 'f1', createdAt: 1, expiresAt: 100 };
    repository.claim(record, 1);
    repository.complete('s', 'k', { status: 200, body: { ok: true } });
    expect(repository.claim({ ...record, fingerprint: 'f2', expiresAt: 300 }, 100)).toEqual({ claimed: true });
    expect(repository.purgeExpired(299)).toBe(0);
    expect(repository.purgeExpired(300)).toBe(1);
  });

  it('release only forgets a claim without answer', () => {
    const { repository } = setup();
    const record = { scope: 's', key: 'k', fingerprint: 'f', createdAt: 1, expiresAt: 100 };
    repository.claim(record, 1);
    repository.complete('s', 'k', { status: 200, body: 1 });
    repository.release('s', 'k');
    expect(repository.claim(record, 2)).toMatchObject({ claimed: false, existing: { answer: { status: 200, body: 1 } } });
  });
});

describe('IdempotencyService.once (MCP)', () => {
  it('runs once per key; a repeat answers the first answer', async () => {
    const { service } = setup();
    let runs = 0;
    const work = async () => ({ n: ++runs });
    await expect(service.once('send', 'k', { a: 1 }, work)).resolves.toEqual({ n: 1 });
    await expect(service.once('send', 'k', { a: 1 }, work)).resolves.toEqual({ n: 1 });
    await expect(service.once('send', undefined, { a: 1 }, work)).resolves.toEqual({ n: 2 });
    await expect(service.once('send', 'k', { a: 2 }, work)).rejects.toMatchObject({ code: 'idempotency_mismatch' });
    await expect(service.once('send', 'bad key', { a: 1 }, work)).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('a final refusal is stored and thrown again; a transient one releases the key', async () => {
    const { service } = setup();
    const notOn = async () => {
      throw new AppError('not_on_whatsapp', '1 is not on WhatsApp; nothing was sent.');
    };
    await expect(service.once('send', 'k1', {}, notOn)).rejects.toMatchObject({ code: 'not_on_whatsapp' });
    await expect(service.once('send', 'k1', {}, async () => 'sent')).rejects.toEqual(
      new AppError('not_on_whatsapp', '1 is not on WhatsApp; nothing was sent.'),
    );
    const notReady = async () => {
      throw new AppError('not_ready', 'not ready');
    };
    await expect(service.once('send', 'k2', {}, notReady)).rejects.toMatchObject({ code: 'not_ready' });
    await expect(service.once('send', 'k2', {}, async () => 'sent')).resolves.toBe('sent');
  });

  it('a repeat while the first runs is idempotency_in_progress', async () => {
    const { service } = setup();
    let release!: () => void;
    const first = service.once('send', 'k', {}, () => new Promise<string>((resolve) => (release = () => resolve('first'))));
    await expect(service.once('send', 'k', {}, async () => 'second')).rejects.toMatchObject({ code: 'idempotency_in_progress' });
    release();
    await expect(first).resolves.toBe('first');
  });

  it('keys expire after the TTL', async () => {
    const { service, clock } = setup();
    await service.once('send', 'k', {}, async () => 1);
    clock.advance(24 * 3_600_000 - 1);
    await expect(service.once('send', 'k', {}, async () => 2)).resolves.toBe(1);
    clock.advance(1);
    await expect(service.once('send', 'k', {}, async () => 2)).resolves.toBe(2);
  });
});

describe('fingerprintOf', () => {
  it('ignores key order, not values; survives prototype keys; refuses nesting past the stack', () => {
    expect(fingerprintOf({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(fingerprintOf({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: '1' }));
    expect(fingerprintOf(JSON.parse('{"__proto__": {"x": 1}}'))).not.toBe(fingerprintOf({}));
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(() => fingerprintOf(deep)).toThrow(new AppError('invalid_input', 'The request body is nested too deeply.'));
  });
});
