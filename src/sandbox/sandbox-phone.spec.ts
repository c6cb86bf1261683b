import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError } from '../common/app-error.js';
import { SandboxControls } from './sandbox-controls.js';
import { SANDBOX_CHROME_ARGS, SANDBOX_WEB_VERSION, SandboxPhone, sandboxLaunchOverrides, withSandboxChromeArgs } from './sandbox-phone.js';

/* The sandbox's phone without a browser: what it prepares, seeds and refuses before a device links. */

async function appError(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('SandboxPhone', () => {
  let sandbox: SandboxPhone;
  let controls: SandboxControls;

  beforeEach(async () => {
    sandbox = await SandboxPhone.start({ timeoutMs: 2000 });
    controls = new SandboxControls(sandbox);
  });

  afterEach(async () => {
    await sandbox.close();
  });

  it('prepares the page in its own folder and says what the server must launch with', () => {
    expect(sandbox.launch).toEqual({
      webVersion: SANDBOX_WEB_VERSION,
      webCacheDir: path.join(sandbox.dir, 'web-cache'),
      chromeArgs: SANDBOX_CHROME_ARGS,
    });
    expect(sandbox.launch.chromeArgs).toContain('--disable-features=LocalNetworkAccessChecks');
    expect(sandboxLaunchOverrides(['--lang=de'], sandbox)).toEqual({
      authDir: path.join(sandbox.dir, 'auth'),
      webVersion: SANDBOX_WEB_VERSION,
      webCacheDir: sandbox.launch.webCacheDir,
      chromeArgs: ['--lang=de', ...SANDBOX_CHROME_ARGS],
    });
    const html = readFileSync(path.join(sandbox.launch.webCacheDir, `${SANDBOX_WEB_VERSION}.html`), 'utf8');
    expect(html).toContain(`"control":"${sandbox.phone.url}"`);
    expect(html).toContain('window.Debug = { VERSION: SIM.version }');
    expect(sandbox.authDir).toBe(path.join(sandbox.dir, 'auth'));
    expect(sandbox.dir.startsWith(tmpdir())).toBe(true);
  });

  it('holds 25 readable sample chats, groups first, the same names and texts on every start', async () => {
    await expect(controls.state()).resolves.toEqual({ ok: true, me: '15550000000', linked: false, qr_pending: false, chats: 25 });
    const chats = sandbox.phone.chats();
    expect(chats.slice(0, 4).map((c) => [c.name, c.isGroup])).toEqual([
      ['Family', true],
      ['Team Berlin', true],
      ['Book Club', true],
      ['Futebol de quinta', true],
    ]);
    expect(chats.slice(4, 6).map((c) => c.name)).toEqual(['Ana Souza', 'Jonas Müller']);
    expect(chats[4].messages.map((m) => m.body).slice(0, 2)).toEqual(['Salut ! Tu es dispo ce soir ?', 'Oui, vers 19 h.']);
    expect(chats.every((c) => c.messages.length === 12 && c.messages.every((m) => /^[^\d]/.test(m.body)))).toBe(true);

    const again = await SandboxPhone.start();
    try {
      expect(again.phone.chats().map((c) => [c.name, c.messages.map((m) => m.body)])).toEqual(
        chats.map((c) => [c.name, c.messages.map((m) => m.body)]),
      );
    } finally {
      await again.close();
    }
  });

  it('replaces the chats on seed', async () => {
    await expect(controls.seed({ chats: 40, messages_per_chat: 3 })).resolves.toEqual({ ok: true, chats: 40, messages_per_chat: 3 });
    const chats = sandbox.phone.chats();
    expect(chats).toHaveLength(40);
    expect(chats.filter((c) => c.isGroup)).toHaveLength(6);
    expect(new Set(chats.map((c) => c.name)).size).toBe(40);
    await controls.seed({ chats: 0, messages_per_chat: 0 });
    await expect(controls.state()).resolves.toMatchObject({ chats: 0 });
  });

  it('refuses what needs a linked device with not_ready, and answers what does not', async () => {
    const incoming = await appError(controls.incoming({ from: '15551000000', body: 'hi' }));
    expect([incoming.code, incoming.message]).toEqual([
      'not_ready',
      'The sandbox phone has no linked device: link it first (POST /api/sandbox/scan once the server shows a QR).',
    ]);
    const scan = await appError(controls.scan());
    expect([scan.code, scan.message]).toEqual(['not_ready', 'No QR code is shown: start linking first (POST /api/auth/start).']);
    const pairing = await appError(controls.pairing({ code: 'ABCD1234' }));
    expect([pairing.code, pairing.message]).toEqual([
      'invalid_input',
      'That pairing code is not the one the server is waiting for (POST /api/pairing-code asks for one).',
    ]);
    await expect(controls.connection({ up: false })).rejects.toMatchObject({ code: 'not_ready' });
    await expect(controls.sent(10)).resolves.toEqual({ ok: true, messages: [] });
    await expect(controls.unlink()).resolves.toEqual({ ok: true });
    await expect(controls.registered({ numbers: ['15551000001'], registered: false })).resolves.toEqual({
      ok: true,
      numbers: ['15551000001'],
      registered: false,
    });
  });

  it('keeps a folder it was given and removes the temporary one it made', async () => {
    const given = mkdtempSync(path.join(tmpdir(), 'sandbox-given-'));
    try {
      const kept = await SandboxPhone.start({ dir: given, chats: 1 });
      await kept.close();
      expect(existsSync(path.join(given, 'web-cache', `${SANDBOX_WEB_VERSION}.html`))).toBe(true);
    } finally {
      rmSync(given, { recursive: true, force: true });
    }
    const made = await SandboxPhone.start({ chats: 1 });
    await made.close();
    expect(existsSync(made.dir)).toBe(false);
  });
});

describe('withSandboxChromeArgs', () => {
  const launch = { webVersion: 'v', webCacheDir: '/c', chromeArgs: ['--disable-features=LocalNetworkAccessChecks'] };

  it("keeps the user's flags first and adds the sandbox's own once", () => {
    expect(withSandboxChromeArgs(['--lang=de', '--disable-features=Translate'], launch)).toEqual([
      '--lang=de',
      '--disable-features=Translate',
      '--disable-features=LocalNetworkAccessChecks',
    ]);
    expect(withSandboxChromeArgs(['--disable-features=LocalNetworkAccessChecks'], launch)).toEqual([
      '--disable-features=LocalNetworkAccessChecks',
    ]);
  });
});
