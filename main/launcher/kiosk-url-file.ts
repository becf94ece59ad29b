import { chmodSync, renameSync, writeFileSync } from 'node:fs';

/** The variable naming the file browser mode writes its kiosk URL to (the Debian package's screen reads it). */
export const KIOSK_URL_FILE_ENV = 'CHOT_KIOSK_URL_FILE';

/**
 * Mode of the URL file: the owner (the core's user) and its group (the screen's user, a member)
 * read it, nobody else — the URL carries the token that drives the kiosk.
 */
export const KIOSK_URL_FILE_MODE = 0o640;

/**
 * Leaves the kiosk URL where another user's process can read it: the appliance's screen
 * (chot-display, cage and Chromium) runs as its own unprivileged user that cannot read the data
 * dir the token is derived from, so it waits for this file instead. Written then renamed, so the
 * screen never reads half a URL; chmod after writing, because the umask narrows the mode given.
 */
export function writeKioskUrlFile(file: string, url: string): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${url}\n`, { mode: KIOSK_URL_FILE_MODE });
  chmodSync(temporary, KIOSK_URL_FILE_MODE);
  renameSync(temporary, file);
}
