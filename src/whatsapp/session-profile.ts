import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AccountInfo } from './whatsapp-client.port.js';

/**
 * Written into the profile when the device becomes ready. Automatic starts (boot, restarts after
 * faults) need it; a profile without it was never paired here (or by a server before this marker
 * existed: such a session is still started by the first call that needs it, and marked then).
 */
export const LINKED_MARKER = 'whatsapp-mcp-api.linked.json';

/** The Chrome profile that holds one linked device (whatsapp-web.js LocalAuth), and our marker in it. */
export class SessionProfile {
  readonly dir: string;

  constructor(
    readonly authDir: string,
    id: string,
  ) {
    this.dir = join(authDir, `session-${id}`);
  }

  /** A profile exists (as the original server judged it): a call that needs a ready client may start it. */
  exists(): boolean {
    return existsSync(this.dir);
  }

  /** The profile holds a device that was linked: worth starting at boot and restarting after faults. */
  isLinked(): boolean {
    return existsSync(join(this.dir, LINKED_MARKER));
  }

  /** The saved session is a credential: its folder is the owner's alone. */
  prepare(): void {
    mkdirSync(this.authDir, { recursive: true, mode: 0o700 });
  }

  markLinked(account: AccountInfo | null, at: Date): void {
    writeFileSync(join(this.dir, LINKED_MARKER), JSON.stringify({ wid: account?.wid ?? null, linked_at: at }));
  }

  unmarkLinked(): void {
    rmSync(join(this.dir, LINKED_MARKER), { force: true });
  }

  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true, maxRetries: 4 });
  }
}
