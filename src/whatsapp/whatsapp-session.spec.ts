import { existsSync, mkdirSync } from 'node:fs';
import { tempDir } from '../../test/temp-dirs.js';
import { Logger } from '@nestjs/common';
import { FakeWhatsApp, fakeSession, reachState } from '../../test/fake-whatsapp.js';
import { loadAppConfig } from '../config/app-config.js';
import type { ClientState } from './client-status.js';

Logger.overrideLogger(false);

function setup(env: Record<string, string> = {}) {
  const authDir = tempDir('wa-session-');
  const config = loadAppConfig({
    WHATSAPP_AUTH_DIR: authDir,
    WHATSAPP_CHROME_EXECUTABLE: process.execPath,
    WHATSAPP_START_TIMEOUT_MS: '1000',
    WHATSAPP_READY_TIMEOUT_MS: '1000',
    WHATSAPP_TERMINAL_QR: 'false',
    ...env,
  });
  const fake = new FakeWhatsApp();
  const session = fakeSession(config, fake);
  const reached = (state: ClientState) => reachState(session, state, 1000);
  return { fake, session, config, reached };
}

describe('WhatsAppSession state machine', () => {
  it('goes starting → qr → authenticated → ready, filling and clearing the QR and account', async () => {
    const { fake, session, reached } = setup();
    expect(session.status()).toMatchObject({ state: 'stopped', has_qr: false, account: null });
    await expect(session.startAndSettle(1000)).resolves.toBe('qr');
    expect(session.status()).toMatchObject({ state: 'qr', has_qr: true, ready: false, authenticated: false });
    expect(session.qr).toBe('fake-qr-1');

    fake.current.emit('authenticated');
    expect(session.status()).toMatchObject({ state: 'authenticated', has_qr: false, ready: false, authenticated: true });
    fake.current.becomeReady();
    await expect(reached('ready')).resolves.toBe('ready');
    expect(session.status()).toMatchObject({
      ready: true,
      authenticated: true,
      last_error: null,
      account: { wid: '15550001111@c.us', pushname: 'Fake Owner', platform: 'android' },
    });
  });

  it('hands Chrome our flags and the session folder', async () => {
    const { fake, session, config } = setup({ WHATSAPP_CHROME_ARGS: '--lang=en  --foo' });
    await session.start();
    expect(fake.current.options).toMatchObject({ authDir: config.authDir, clientId: 'default', headless: true });
    expect(fake.current.options.chromeArgs).toEqual(
      expect.arrayContaining(['--disable-dev-shm-usage', '--disable-gpu', '--lang=en', '--foo']),
    );
  });

  it('a disconnect while ready destroys the client, clears the account and says why', async () => {
    const { fake, session, reached } = setup();
    fake.startMode = 'saved';
    await session.start();
    await reached('ready');
    const client = fake.current;
    client.emit('disconnected', 'CONFLICT');
    await expect(reached('disconnected')).resolves.toBe('disconnected');
    expect(client.destroyed).toBe(1);
    expect(session.status()).toMatchObject({
      account: null,
      ready: false,
      last_error: 'Disconnected: WhatsApp Web was opened elsewhere with this session (CONFLICT)',
    });
  });

  it('initialize() rejecting → destroy called, stopped with last_error, and a later start retries', async () => {
    const { fake, session } = setup();
    fake.startMode = 'reject';
    await expect(session.startAndSettle(1000)).resolves.toBe('stopped');
    expect(fake.current.destroyed).toBe(1);
    expect(session.status().last_error).toBe('Could not start WhatsApp Web: net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/');
    fake.startMode = 'qr';
    await expect(session.startAndSettle(1000)).resolves.toBe('qr');
    expect(fake.clients).toHaveLength(2);
    expect(session.status().last_error).toBeNull();
  });

  it('20 concurrent starts create exactly one client', async () => {
    const { fake, session } = setup();
    const states = await Promise.all(Array.from({ length: 20 }, () => session.startAndSettle(1000)));
    expect(new Set(states)).toEqual(new Set(['qr']));
    expect(fake.clients).toHaveLength(1);
  });

  it('no Chrome → browser_unavailable naming the path, and no client created', async () => {
    const { fake, session } = setup({ WHATSAPP_CHROME_EXECUTABLE: '/nonexistent/chrome' });
    await expect(session.start()).rejects.toMatchObject({
      code: 'browser_unavailable',
      message: expect.stringContaining('/nonexistent/chrome'),
    });
    expect(fake.clients).toHaveLength(0);
    expect(session.currentState).toBe('stopped');
  });

  describe('ensureReady', () => {
    it('fails at once with not_ready when nothing can become ready (no saved session)', async () => {
      const { fake, session } = setup();
      await expect(session.ensureReady()).rejects.toMatchObject({ code: 'not_ready', details: { state: 'stopped' } });
      expect(fake.clients).toHaveLength(0);
    });

    it('fails at once while a QR waits to be scanned', async () => {
      const { session } = setup();
      await session.startAndSettle(1000);
      await expect(session.ensureReady()).rejects.toMatchObject({ code: 'not_ready', details: { state: 'qr' } });
    });

    it('starts a saved session and waits for it to become ready', async () => {
      const { fake, session } = setup();
      fake.startMode = 'saved';
      mkdirSync(session.sessionDir, { recursive: true });
      const client = await session.ensureReady();
      expect(client).toBe(fake.current);
      expect(session.currentState).toBe('ready');
    });

    it('gives up with not_ready after the ready timeout while still loading', async () => {
      const { fake, session } = setup({ WHATSAPP_READY_TIMEOUT_MS: '50' });
      fake.startMode = 'hang';
      mkdirSync(session.sessionDir, { recursive: true });
      await expect(session.ensureReady()).rejects.toMatchObject({ code: 'not_ready', details: { state: 'starting' } });
    });
  });

  describe('logout', () => {
    it('from never started: stopped, nothing revoked, no saved session', async () => {
      const { session } = setup();
      mkdirSync(session.sessionDir, { recursive: true });
      await expect(session.logout()).resolves.toBe(false);
      expect(existsSync(session.sessionDir)).toBe(false);
      expect(session.status()).toMatchObject({ state: 'stopped', has_qr: false, account: null });
    });

    it('from ready: revokes, destroys, removes the session', async () => {
      const { fake, session, reached } = setup();
      fake.startMode = 'saved';
      await session.start();
      await reached('ready');
      await expect(session.logout()).resolves.toBe(true);
      expect(fake.current.loggedOut).toBe(1);
      expect(fake.current.destroyed).toBe(1);
      expect(existsSync(session.sessionDir)).toBe(false);
      expect(session.status()).toMatchObject({ state: 'stopped', account: null, has_qr: false });
    });

    it('mid-start: abandons the start, which then changes nothing', async () => {
      const { fake, session } = setup();
      fake.startMode = 'hang';
      await session.start();
      expect(session.currentState).toBe('starting');
      await expect(session.logout()).resolves.toBe(false);
      expect(fake.current.destroyed).toBe(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(session.status()).toMatchObject({ state: 'stopped', last_error: null });
      expect(existsSync(session.sessionDir)).toBe(false);
    });

    it('with a QR pending: clears it', async () => {
      const { session } = setup();
      await session.startAndSettle(1000);
      await session.logout();
      expect(session.status()).toMatchObject({ state: 'stopped', has_qr: false });
      expect(session.qr).toBeNull();
    });
  });

  it('stop() closes Chrome but keeps the saved session', async () => {
    const { fake, session, reached } = setup();
    fake.startMode = 'saved';
    await session.start();
    await reached('ready');
    await session.stop();
    expect(fake.current.destroyed).toBe(1);
    expect(existsSync(session.sessionDir)).toBe(true);
    expect(session.currentState).toBe('stopped');
  });
});
