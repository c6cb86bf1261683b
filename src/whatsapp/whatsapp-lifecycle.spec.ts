import { mkdirSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { setupSession } from '../../test/session-setup.js';

Logger.overrideLogger(false);

const setup = setupSession;
let ctx: ReturnType<typeof setup>;
afterEach(async () => {
  await ctx?.cleanup();
});

describe('auto-start at boot', () => {
  it.each([
    ['auto', true, 1],
    ['auto', false, 0],
    ['always', false, 1],
    ['always', true, 1],
    ['never', true, 0],
  ] as const)('WHATSAPP_AUTO_START=%s with linked=%s starts %d client(s)', async (mode, linked, clients) => {
    ctx = setup({ WHATSAPP_AUTO_START: mode });
    const { fake, session, linkEarlier } = ctx;
    if (linked) linkEarlier();
    fake.startMode = 'saved';
    await session.autoStart();
    expect(fake.clients).toHaveLength(clients);
    expect(session.currentState).toBe(clients ? 'authenticated' : 'stopped');
  });

  it('a profile without our linked marker (never paired) is not started at boot', async () => {
    ctx = setup();
    mkdirSync(ctx.session.sessionDir, { recursive: true });
    await ctx.session.autoStart();
    expect(ctx.fake.clients).toHaveLength(0);
    expect(ctx.session.hasSavedSession()).toBe(true);
  });

  it('no Chrome at boot: the status says so instead of throwing', async () => {
    ctx = setup({ WHATSAPP_AUTO_START: 'always', WHATSAPP_CHROME_EXECUTABLE: '/no/chrome' });
    await expect(ctx.session.autoStart()).resolves.toBeUndefined();
    expect(ctx.session.status()).toMatchObject({ state: 'stopped', last_error: expect.stringContaining('/no/chrome') });
  });
});

describe('lifecycle work runs one task at a time', () => {
  it('a start asked for during a logout waits for it: never two Chromes, and the new one starts fresh', async () => {
    ctx = setup();
    const { fake, session, linkedAndReady } = ctx;
    await linkedAndReady();
    const release = fake.holdClosing();
    fake.startMode = 'qr';
    const loggedOut = session.logout();
    const started = session.start();
    await new Promise((resolve) => setImmediate(resolve));
    const during = session.status();
    release();
    expect(during).toMatchObject({ state: 'stopped', ready: false, account: null });
    await expect(loggedOut).resolves.toBe(true);
    await started;
    expect(fake.mostRunning).toBe(1);
    expect(fake.clients).toHaveLength(2);
    expect(fake.clients[0].destroyed).toBe(1);
    expect(session.currentState).toBe('qr');
    expect(session.isLinked()).toBe(false);
  });

  it('a logout during a crash teardown cancels the restart the crash would schedule', async () => {
    ctx = setup();
    const { fake, session, linkedAndReady } = ctx;
    await linkedAndReady();
    const release = fake.holdClosing();
    fake.current.emit('disconnected', 'BROWSER_CLOSED');
    const loggedOut = session.logout();
    release();
    await loggedOut;
    await session.settled();
    expect(session.status()).toMatchObject({ state: 'stopped', next_restart_at: null, restarts: 0, session_saved: false });
    expect(fake.clients).toHaveLength(1);
  });

  it('a client being closed is never reported ready', async () => {
    ctx = setup();
    const { fake, session, linkedAndReady } = ctx;
    await linkedAndReady();
    const release = fake.holdClosing();
    fake.current.emit('disconnected', 'PAGE_CRASHED');
    expect(session.status()).toMatchObject({ state: 'disconnected', ready: false, account: null });
    release();
    await session.settled();
  });

  it('after shutdown (stop) nothing launches: a start asked for meanwhile is refused', async () => {
    ctx = setup();
    const { fake, session, linkedAndReady } = ctx;
    await linkedAndReady();
    const release = fake.holdClosing();
    const stopped = session.stop();
    const restarted = session.start();
    release();
    await stopped;
    await expect(restarted).rejects.toMatchObject({
      code: 'start_failed',
      message: 'The server is shutting down; WhatsApp will not be started.',
    });
    expect(fake.clients).toHaveLength(1);
    expect(fake.running).toBe(0);
  });

  it('after shutdown a crash teardown schedules no restart', async () => {
    ctx = setup();
    const { fake, session, linkedAndReady } = ctx;
    await linkedAndReady();
    const client = fake.current;
    const release = fake.holdClosing();
    client.emit('disconnected', 'BROWSER_CLOSED');
    const stopped = session.stop();
    release();
    await stopped;
    await session.settled();
    expect(session.status().next_restart_at).toBeNull();
  });
});
