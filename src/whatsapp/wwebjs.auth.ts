import type { Library } from './wwebjs.mapping.js';

type LibAuth = InstanceType<Library['LocalAuth']>;

/**
 * Makes LocalAuth stand down once the phone has unlinked the device. On `disconnected('LOGOUT')`
 * whatsapp-web.js, in a navigation handler nobody awaits, wipes the profile while Chrome still
 * runs, re-creates it and injects into the page again to show a new QR. The session closes that
 * client and deletes the profile once Chrome has exited; the library's steps raced with that,
 * re-creating the folder afterwards (a "saved session" that made the next call launch Chrome again)
 * and failing on the closing page (an unhandled rejection). So after an unlink the wipe is left to
 * the session, and the re-arm never settles, which ends the library's handler there.
 */
export function standDownAfterUnlink(auth: LibAuth, unlinked: () => boolean): void {
  const wipe = auth.logout.bind(auth);
  const prepare = auth.beforeBrowserInitialized.bind(auth);
  auth.logout = async () => {
    if (!unlinked()) await wipe();
  };
  auth.beforeBrowserInitialized = () => (unlinked() ? new Promise<void>(() => undefined) : prepare());
}
