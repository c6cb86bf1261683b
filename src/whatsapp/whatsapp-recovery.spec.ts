import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { FakeClock } from '../../test/fake-clock.js';
import { setupSession } from '../../test/session-setup.js';

Logger.overrideLogger(false);

const setup = setupSession;
let ctx: ReturnType<typeof setup>;
afterEach(async () => {
  await ctx?.cleanup();
});

describe('recovery after faults', () => {
  it('a Chrome crash while ready → disconnected naming the cause, then restarted back to ready', async () => {
    ctx = setup();
    const { fake, session, reached, linkedAndReady } = ctx;
    await linkedAndReady();
    const crashed = fake.current;
    const disconnected = reached('disconnected');
    crashed.emit('disconnected', 'BROWSER_CLOSED');
    await disconnected;
    await session.settled();
    const status = session.status();
    expect(status).toMatchObject({ last_error: 'Disconnected: Chrome exited or crashed (BROWSER_CLOSED)', account: null });
    expect(status.next_restart_at).not.toBeNull();
    expect(crashed.destroyed).toBe(1);
    await reached('ready');
    expect(fake.clients).toHaveLength(2);
    expect(session.status()).toMatchObject({ restarts: 1, next_restart_at: null, last_error: null });
  });

  it('backs off while restarts keep failing, and resets once ready', async () => {
    const clock = new FakeClock();
    ctx = setup({ WHATSAPP_RESTART_MIN_MS: '10', WHATSAPP_RESTART_MAX_MS: '40' }, clock);
    const { fake, session, reached, linkedAndReady } = ctx;
    await linkedAndReady();
    fake.startMode = 'reject';
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const stopped = session.waitFor((s) => s === 'stopped' || s === 'disconnected', 2000);
      if (i === 0) fake.current.emit('disconnected', 'PAGE_CRASHED');
      await stopped;
      await session.settled();
      const { next_restart_at: next } = session.status();
      const delay = Date.parse(next!) - clock.now();
      delays.push(delay);
      // Not due a moment before its time; due at it.
      clock.advance(delay - 1);
      expect(fake.clients).toHaveLength(i + 1);
      if (i === 3) fake.startMode = 'saved';
      const restarting = reached('starting');
      clock.advance(1);
      await restarting;
    }
    // 10, 20, 40, 40 ms, each ±20%
    expect(delays[0]).toBeLessThanOrEqual(12);
    expect(delays[3]).toBeGreaterThan(delays[0]);
    expect(delays[3]).toBeLessThanOrEqual(48);
    expect(delays.map((d, i) => d >= 0.8 * [10, 20, 40, 40][i] && d <= 1.2 * [10, 20, 40, 40][i])).toEqual([true, true, true, true]);
    await reached('ready');
    expect(session.status()).toMatchObject({ restarts: 4, next_restart_at: null });
  });

  it('a phone-side unlink is not retried: saved session cleared, stopped, last_error says so', async () => {
    ctx = setup();
    const { fake, session, reached, linkedAndReady } = ctx;
    await linkedAndReady();
    const stopped = reached('stopped');
    fake.current.emit('disconnected', 'LOGOUT');
    await stopped;
    await session.settled();
    expect(session.status()).toMatchObject({
      state: 'stopped',
      session_saved: false,
      next_restart_at: null,
      last_error: 'Logged out: the device was unlinked from the phone (LOGOUT). Pair again to use WhatsApp.',
    });
    expect(existsSync(session.sessionDir)).toBe(false);
    expect(fake.current.destroyed).toBe(1);
    expect(fake.clients).toHaveLength(1);
  });

  it('a phone-side unlink says session_saved false as soon as it says stopped, before Chrome has closed', async () => {
    ctx = setup();
    const { fake, session, reached, linkedAndReady } = ctx;
    await linkedAndReady();
    const release = fake.holdClosing();
    const stopped = reached('stopped');
    fake.current.emit('disconnected', 'LOGOUT');
    await stopped;
    expect(session.status()).toMatchObject({ state: 'stopped', session_saved: false });
    // Still closing: the folder goes once Chrome has exited.
    expect(existsSync(session.sessionDir)).toBe(true);
    release();
    await session.settled();
    expect(existsSync(session.sessionDir)).toBe(false);
    expect(session.status()).toMatchObject({ state: 'stopped', session_saved: false });
  });

  it('CONFLICT keeps the session and waits for a person', async () => {
    ctx = setup();
    const { fake, session, reached, linkedAndReady } = ctx;
    await linkedAndReady();
    fake.current.emit('disconnected', 'CONFLICT');
    await reached('disconnected');
    expect(session.status()).toMatchObject({ session_saved: true, next_restart_at: null });
    expect(fake.clients).toHaveLength(1);
  });

  it('a start stuck in starting past WHATSAPP_START_STUCK_MS is a failure, recovered by a restart', async () => {
    ctx = setup({ WHATSAPP_START_STUCK_MS: '30' });
    const { fake, session, reached, linkEarlier } = ctx;
    linkEarlier();
    fake.startMode = 'hang';
    await session.start();
    const stopped = reached('stopped');
    fake.startMode = 'saved';
    await stopped;
    await session.settled();
    expect(session.status().last_error).toBe('WhatsApp Web did not finish starting within 0.03 s');
    expect(fake.clients[0].destroyed).toBe(1);
    await reached('ready');
    expect(fake.clients).toHaveLength(2);
  });

  it('a stuck start without a linked session is not retried', async () => {
    ctx = setup({ WHATSAPP_START_STUCK_MS: '20' });
    const { fake, session, reached } = ctx;
    fake.startMode = 'hang';
    await session.start();
    await reached('stopped');
    expect(session.status()).toMatchObject({ next_restart_at: null, last_error: expect.stringContaining('did not finish starting') });
    expect(fake.clients).toHaveLength(1);
  });

  it('a connection stuck OPENING while ready is recovered; back to CONNECTED in time is not', async () => {
    ctx = setup({ WHATSAPP_START_STUCK_MS: '40' });
    const { fake, session, reached, linkedAndReady } = ctx;
    await linkedAndReady();
    fake.current.emit('change_state', 'OPENING');
    fake.current.emit('change_state', 'CONNECTED');
    fake.current.emit('change_state', 'TIMEOUT');
    await reached('disconnected');
    expect(session.status().last_error).toBe('the connection to WhatsApp stayed TIMEOUT for 0.04 s');
    await reached('ready');
    expect(fake.clients).toHaveLength(2);
  });

  it('logout cancels a pending restart', async () => {
    ctx = setup({ WHATSAPP_RESTART_MIN_MS: '60000', WHATSAPP_RESTART_MAX_MS: '60000' });
    const { fake, session, reached, linkedAndReady } = ctx;
    await linkedAndReady();
    fake.current.emit('disconnected', 'BROWSER_CLOSED');
    await reached('disconnected');
    await session.settled();
    expect(session.status().next_restart_at).not.toBeNull();
    await session.logout();
    expect(session.status()).toMatchObject({ state: 'stopped', next_restart_at: null });
  });
});

describe('stuck loading', () => {
  it('a session stuck in authenticated after a scan is a failed start too', async () => {
    ctx = setup({ WHATSAPP_START_STUCK_MS: '30' });
    const { fake, session, reached } = ctx;
    await session.startAndSettle(1000);
    fake.current.emit('authenticated');
    await reached('stopped');
    expect(session.status().last_error).toBe('WhatsApp Web did not finish loading the session within 0.03 s');
  });

  it('a connection back to CONNECTED in time is left alone', async () => {
    const clock = new FakeClock();
    ctx = setup({ WHATSAPP_START_STUCK_MS: '30' }, clock);
    const { fake, session, linkedAndReady } = ctx;
    await linkedAndReady();
    fake.current.emit('change_state', 'OPENING');
    clock.advance(29);
    fake.current.emit('change_state', 'CONNECTED');
    // Nothing should happen: three times the watchdog's limit passes.
    clock.advance(90);
    expect(clock.pending).toBe(0);
    await expect(session.waitFor((s) => s !== 'ready', 0)).resolves.toBe('ready');
    expect(fake.clients).toHaveLength(1);
  });
});
