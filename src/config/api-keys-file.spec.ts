import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/temp-dirs.js';
import { assertSafeBinding, loadAppConfig } from './app-config.js';
import { parseApiKeys, sha256 } from './api-keys-file.js';

const hex = (key: string) => sha256(key).toString('hex');
const entry = (fields: Record<string, unknown> = {}) => ({
  name: 'ops',
  key_sha256: hex('k1'),
  scopes: ['read'],
  sessions: ['*'],
  ...fields,
});
const parse = (entries: unknown, envKey: string | null = null) => parseApiKeys(JSON.stringify(entries), envKey);

describe('the keys file', () => {
  it('holds names, hashes, scopes and sessions; WHATSAPP_API_KEY joins as "env" with every right', () => {
    const keys = parse(
      [entry(), entry({ name: 'sales', key_sha256: hex('k2').toUpperCase(), scopes: ['send', 'read', 'send'], sessions: ['sales'] })],
      'k0',
    );
    expect(keys.map(({ name, scopes, sessions }) => ({ name, scopes, sessions }))).toEqual([
      { name: 'env', scopes: ['read', 'send', 'admin'], sessions: ['*'] },
      { name: 'ops', scopes: ['read'], sessions: ['*'] },
      { name: 'sales', scopes: ['send', 'read'], sessions: ['sales'] },
    ]);
    expect(keys[2].digest.equals(sha256('k2'))).toBe(true);
  });

  it.each([
    ['{', /^is not valid JSON/],
    ['{}', /^must hold a JSON array of keys/],
    ['[1]', /^entry 1 must be an object$/],
    [JSON.stringify([entry({ name: '' })]), /^entry 1 \(""\) needs a name of 1 to 64/],
    [JSON.stringify([entry({ key_sha256: 'abc' })]), /^entry 1 \("ops"\) needs key_sha256: the SHA-256 of the key as 64 hex digits/],
    [JSON.stringify([entry({ key_sha256: 'z'.repeat(64) })]), /^entry 1 \("ops"\) needs key_sha256/],
    [JSON.stringify([entry({ scopes: ['read', 'write'] })]), /^entry 1 \("ops"\) has unknown scopes \(write\); known: read, send, admin$/],
    [JSON.stringify([entry({ scopes: [] })]), /^entry 1 \("ops"\) needs scopes/],
    [JSON.stringify([entry({ sessions: ['Sales!'] })]), /^entry 1 \("ops"\) has bad session names \("Sales!"\)/],
    [JSON.stringify([entry({ sessions: 'sales' })]), /^entry 1 \("ops"\) needs sessions/],
    [JSON.stringify([entry({ key: 'k1' })]), /^entry 1 \("ops"\) has unknown fields \(key\)/],
    [JSON.stringify([entry(), entry({ key_sha256: hex('k2') })]), /^entry 2 \("ops"\): the name "ops" is taken$/],
    [JSON.stringify([entry(), entry({ name: 'ops2' })]), /^entry 2 \("ops2"\): the same key as "ops"$/],
  ])('refuses %s, naming the entry', (text, message) => {
    expect(() => parseApiKeys(text, null)).toThrow(message);
  });

  it('refuses a name or key already taken by WHATSAPP_API_KEY', () => {
    expect(() => parse([entry({ name: 'env', key_sha256: hex('k2') })], 'k0')).toThrow(
      'entry 1 ("env"): the name "env" is taken by WHATSAPP_API_KEY',
    );
    expect(() => parse([entry({ key_sha256: hex('k0') })], 'k0')).toThrow('entry 1 ("ops"): the same key as "env"');
  });

  it('stops the boot with a message naming the variable and the file', () => {
    const dir = tempDir('wa-keys-');
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify([entry({ scopes: ['root'] })]));
    expect(() => loadAppConfig({ WHATSAPP_API_KEYS_FILE: file })).toThrow(
      `Invalid configuration: WHATSAPP_API_KEYS_FILE ${file}: entry 1 ("ops") has unknown scopes (root); known: read, send, admin`,
    );
    expect(() => loadAppConfig({ WHATSAPP_API_KEYS_FILE: join(dir, 'missing.json') })).toThrow(
      `Invalid configuration: WHATSAPP_API_KEYS_FILE ${join(dir, 'missing.json')} cannot be read (ENOENT)`,
    );
  });

  it('a keys file alone still requires a key: the terminal QR is off and the server may bind beyond loopback', () => {
    const file = join(tempDir('wa-keys-'), 'keys.json');
    writeFileSync(file, '[]');
    const config = loadAppConfig({ WHATSAPP_API_KEYS_FILE: file, WHATSAPP_MCP_HOST: '0.0.0.0' });
    expect(config).toMatchObject({ apiKey: null, apiKeysFile: file, apiKeys: [], terminalQr: false });
    expect(() => assertSafeBinding(config)).not.toThrow();
    expect(() => assertSafeBinding(loadAppConfig({ WHATSAPP_MCP_HOST: '0.0.0.0' }))).toThrow(/WHATSAPP_API_KEY must be set/);
  });
});
