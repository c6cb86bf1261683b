import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sampleGroups, sampleNames } from './sample-chats.js';
import { Phone } from './simulator/phone.js';
import type { NetChat } from './simulator/types.js';

/** The web version the simulated page announces; any pinned version works, this one is the library's tested one. */
export const SANDBOX_WEB_VERSION = '2.3000.1031980585';

/**
 * Chromium 14x+ blocks the public page from reaching the phone's loopback control server (Local
 * Network Access). The rest keeps a sandbox off the network: no background traffic, and every host
 * name but loopback resolves to nothing (the page itself comes from the web-version cache).
 */
export const SANDBOX_CHROME_ARGS = [
  '--disable-features=LocalNetworkAccessChecks',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

export const DEFAULT_SANDBOX_CHATS = 25;
export const DEFAULT_MESSAGES_PER_CHAT = 12;

/**
 * `auto`: the phone scans every QR the page shows (after a logout too) until it is unlinked from the
 * controls; `qr`: it waits for a scan or pairing code from the controls.
 */
export type SandboxLinkMode = 'auto' | 'qr';

export interface SandboxOptions {
  /** Folder for the web-version cache and the Chrome profile; a temporary one (removed on close) when absent. */
  dir?: string;
  chats?: number;
  messagesPerChat?: number;
  link?: SandboxLinkMode;
  /** The simulated account's own number (digits). */
  me?: string;
  /** Upper bound of every wait of the phone. */
  timeoutMs?: number;
  /** Told when the automatic link fails (it runs in the background). */
  onError?: (error: Error) => void;
  /** The session whose phone this is: another session's page is served from its own cache folder in `dir`. */
  session?: string;
}

/** What the server merges into its launch options so its ordinary client opens the simulated page. */
export interface SandboxLaunch {
  webVersion: string;
  webCacheDir: string;
  chromeArgs: string[];
}

/**
 * A simulated phone and WhatsApp network for one account, with readable sample chats. It depends
 * on nothing of the server: the server only points its web-version cache and Chrome flags at it.
 */
export class SandboxPhone {
  private autoLink: boolean;
  private readonly stopWatching: () => void;

  private constructor(
    readonly phone: Phone,
    readonly dir: string,
    readonly launch: SandboxLaunch,
    private readonly ownsDir: boolean,
    link: SandboxLinkMode,
    private readonly onError: (error: Error) => void,
  ) {
    this.autoLink = link === 'auto';
    this.stopWatching = phone.onQr((qr) => {
      if (this.autoLink) phone.scanQr(qr).catch((e: Error) => this.onError(e));
    });
  }

  static async start(options: SandboxOptions = {}): Promise<SandboxPhone> {
    const ownsDir = !options.dir;
    const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'whatsapp-sandbox-')));
    const link = options.link ?? 'auto';
    // A rotating QR would expire under a person reading it off the page, and could race an automatic scan.
    const phone = await Phone.start({
      me: options.me,
      pushname: 'Sandbox',
      qrRotateMs: link === 'qr' ? 60_000 : 0,
      timeoutMs: options.timeoutMs,
    });
    try {
      const webCacheDir = path.join(dir, !options.session || options.session === 'default' ? 'web-cache' : `web-cache-${options.session}`);
      await mkdir(webCacheDir, { recursive: true });
      await phone.prepare(webCacheDir, SANDBOX_WEB_VERSION);
      const sandbox = new SandboxPhone(
        phone,
        dir,
        { webVersion: SANDBOX_WEB_VERSION, webCacheDir, chromeArgs: [...SANDBOX_CHROME_ARGS] },
        ownsDir,
        link,
        options.onError ?? (() => {}),
      );
      await sandbox.seed(options.chats ?? DEFAULT_SANDBOX_CHATS, options.messagesPerChat ?? DEFAULT_MESSAGES_PER_CHAT);
      return sandbox;
    } catch (e) {
      await phone.close();
      if (ownsDir) await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** The Chrome profile folder for the sandbox account, inside the sandbox folder (never the real auth folder). */
  get authDir(): string {
    return path.join(this.dir, 'auth');
  }

  /** Replaces the account's chats with `chats` sample chats of `messagesPerChat` messages each. */
  seed(chats: number, messagesPerChat: number): Promise<NetChat[]> {
    const groups = sampleGroups(chats);
    return this.phone.seed({ chats, messagesPerChat, groups, names: sampleNames(groups) });
  }

  /** Unlinks from the phone; a sandbox that linked itself then waits for a scan like a real phone would. */
  unlink(): Promise<void> {
    this.autoLink = false;
    return this.phone.unlink();
  }

  async close(): Promise<void> {
    this.stopWatching();
    await this.phone.close();
    if (this.ownsDir) await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * What a sandbox changes in the server's launch settings: its own profile folder (never the real
 * WHATSAPP_AUTH_DIR), its web version and cache folder, and its Chrome flags after the user's.
 */
export function sandboxLaunchOverrides(userChromeArgs: readonly string[], sandbox: SandboxPhone) {
  return {
    authDir: sandbox.authDir,
    webVersion: sandbox.launch.webVersion,
    webCacheDir: sandbox.launch.webCacheDir,
    chromeArgs: withSandboxChromeArgs(userChromeArgs, sandbox.launch),
  };
}

/** The user's Chrome flags, then the sandbox's own that the user has not given already. */
export function withSandboxChromeArgs(userArgs: readonly string[], launch: SandboxLaunch): string[] {
  return [...userArgs, ...launch.chromeArgs.filter((arg) => !userArgs.includes(arg))];
}
