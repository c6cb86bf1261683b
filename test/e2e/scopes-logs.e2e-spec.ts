import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { sha256 } from '../../src/config/api-keys-file.js';
import { createTestApp, type TestApp } from '../app-harness.js';
import { tempDir } from '../temp-dirs.js';

/* Its own file: nestjs-pino keeps one root logger per process, made by the first app booted (see logs.e2e-spec.ts). */

const READER = 'reader-key-0123456789';
let t: TestApp;

afterEach(async () => {
  await t?.app.close();
});

it('the access log names the key in use, never its value nor its hash', async () => {
  const file = join(tempDir('wa-keys-'), 'keys.json');
  const hash = sha256(READER).toString('hex');
  writeFileSync(file, JSON.stringify([{ name: 'reader', key_sha256: hash, scopes: ['read'], sessions: ['*'] }]));
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  t = await createTestApp(
    { WHATSAPP_API_KEY: 'env-key-0123456789', WHATSAPP_API_KEYS_FILE: file, LOG_LEVEL: 'info' },
    { logger: pino({ level: 'info' }, stream) },
  );
  const http = request(t.app.getHttpServer());
  await http.get('/api/status').set('X-Api-Key', READER).expect(200);
  await http.post('/api/logout').set('X-Api-Key', READER).expect(403);
  await http.get('/api/status').set('Authorization', 'Bearer env-key-0123456789').expect(200);
  await http.get('/api/status').set('X-Api-Key', 'wrong').expect(401);
  const access = chunks
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.req && entry.res);
  expect(access.map((entry) => [entry.msg, entry.key])).toEqual([
    ['GET /api/status 200', 'reader'],
    ['POST /api/logout 403', 'reader'],
    ['GET /api/status 200', 'env'],
    ['GET /api/status 401', undefined],
  ]);
  const all = chunks.join('');
  expect(all).not.toContain(READER);
  expect(all).not.toContain(hash);
  expect(all).not.toContain('env-key-0123456789');
});
