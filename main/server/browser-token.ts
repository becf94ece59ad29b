import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeOwnerOnlyDir, OWNER_ONLY_FILE_MODE } from '../../platform/owner-only-files.js';
import { nodeOwnerOnlyFs } from '../config/data-dir-permissions.js';

/** `<data-dir>/browser-mode.secret`: 32 random bytes (base64url), owner-only, made at the first browser-mode start. */
export const BROWSER_SECRET_FILE = 'browser-mode.secret';

const SECRET_BYTES = 32;

/**
 * Browser mode's token for one origin, derived from a secret kept in the data directory.
 *
 * A token made fresh at every start left every open page on "Reconnecting…" after a restart:
 * the page holds the old token and nothing can hand it a new one without handing it to any
 * page. Derived from a stable per-data-dir secret, the token is the same after a restart on
 * the same data dir and port, so the page's own reconnect succeeds by itself. A foreign page
 * still gets nowhere: it cannot read the secret (owner-only, like the device key beside it),
 * no HTTP path serves the token, and the WebSocket handshake still demands this server's
 * Origin. Bound to the origin (HMAC of it), a token seen for one port opens no other.
 * Deleting the file revokes every token at the next start.
 */
export function browserModeToken(dataDir: string, origin: string, log: (line: string) => void): string {
  const secret = loadOrCreateSecret(dataDir, log);
  // 24 of the HMAC's 32 bytes: the token's form stays what it was (32 base64url characters, 192 bits).
  return createHmac('sha256', secret).update(`chot browser-mode token\n${origin}`).digest().subarray(0, 24).toString('base64url');
}

function loadOrCreateSecret(dataDir: string, log: (line: string) => void): Buffer {
  const file = join(dataDir, BROWSER_SECRET_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
  }
  const secret = text === undefined ? undefined : Buffer.from(text, 'base64url');
  if (secret !== undefined && secret.length === SECRET_BYTES) return secret;
  if (text !== undefined) log(`browser mode: ${BROWSER_SECRET_FILE} was damaged; made a new one (open pages must use the new kiosk URL)`);
  const fresh = randomBytes(SECRET_BYTES);
  makeOwnerOnlyDir(nodeOwnerOnlyFs, dataDir);
  // Write then rename: a half-written secret would read as damaged and be replaced at the next start.
  writeFileSync(`${file}.tmp`, `${fresh.toString('base64url')}\n`, { mode: OWNER_ONLY_FILE_MODE });
  renameSync(`${file}.tmp`, file);
  return fresh;
}
