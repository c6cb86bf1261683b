import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { loadAppConfig } from '../src/config/app-config.js';
import type { ClientState } from '../src/whatsapp/client-status.js';
import { LINKED_MARKER } from '../src/whatsapp/session-profile.js';
import type { WhatsAppSession } from '../src/whatsapp/whatsapp-session.js';
import type { FakeClock } from './fake-clock.js';
import { FakeWhatsApp, fakeSession, reachState } from './fake-whatsapp.js';
import { tempDir } from './temp-dirs.js';

/** A session on the fake port with fast restarts, and the steps the recovery and lifecycle specs share. */
export function setupSession(env: Record<string, string> = {}, clock?: FakeClock) {
  const config = loadAppConfig({
    WHATSAPP_AUTH_DIR: tempDir('wa-recovery-'),
    WHATSAPP_CHROME_EXECUTABLE: process.execPath,
    WHATSAPP_TERMINAL_QR: 'false',
    WHATSAPP_RESTART_MIN_MS: '5',
    WHATSAPP_RESTART_MAX_MS: '20',
    ...env,
  });
  const fake = new FakeWhatsApp();
  const sessions: WhatsAppSession[] = [];
  const newSession = () => {
    const session = fakeSession(config, fake, { clock });
    sessions.push(session);
    return session;
  };
  const session = newSession();
  const reached = (state: ClientState, target = session) => reachState(target, state, 2000);
  /** A device linked in an earlier run: the profile and our marker are on disk. */
  const linkEarlier = () => {
    mkdirSync(session.sessionDir, { recursive: true });
    writeFileSync(join(session.sessionDir, LINKED_MARKER), '{}');
  };
  const linkedAndReady = async () => {
    fake.startMode = 'saved';
    await session.start();
    await reached('ready');
    expect(session.status().session_saved).toBe(true);
  };
  return { fake, session, newSession, reached, linkEarlier, linkedAndReady, cleanup: () => Promise.all(sessions.map((s) => s.stop())) };
}
