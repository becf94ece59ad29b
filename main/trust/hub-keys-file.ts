import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OWNER_ONLY_DIR_MODE, OWNER_ONLY_FILE_MODE } from '../../platform/owner-only-files.js';
import { hubKeyStoreFromKeys } from './hub-key-store.js';
import { HUB_KEYS_FILE } from './kiosk-trust.js';

/**
 * The kiosk's pinned hub keys (`<data-dir>/trust/hub-keys.json`, a JSON array of base64 raw
 * Ed25519 keys), read and written in one place: by `chot trust hub-key`, by enrolment, and
 * by the sync, which hands them to the applier.
 */
export function readPinnedHubKeys(dataDir: string): string[] {
  const file = join(dataDir, HUB_KEYS_FILE);
  if (!existsSync(file)) return [];
  const keys = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw new Error(`${file}: expected a JSON array of base64 hub keys`);
  return keys as string[];
}

/**
 * Pins a key (checked to be a raw 32-byte Ed25519 key first; throws otherwise). Written to a
 * temporary file and renamed, so a crash never leaves a kiosk with half a trust file.
 */
export function pinHubKey(dataDir: string, key: string): { file: string; keys: readonly string[]; added: boolean } {
  hubKeyStoreFromKeys([key]);
  const keys = readPinnedHubKeys(dataDir);
  const added = !keys.includes(key);
  if (added) writeHubKeys(dataDir, [...keys, key]);
  return { file: join(dataDir, HUB_KEYS_FILE), keys: added ? [...keys, key] : keys, added };
}

/** Removes a key pinned by a step that is being undone (a failed enrolment). */
export function unpinHubKey(dataDir: string, key: string): void {
  const keys = readPinnedHubKeys(dataDir);
  if (keys.includes(key))
    writeHubKeys(
      dataDir,
      keys.filter((k) => k !== key),
    );
}

function writeHubKeys(dataDir: string, keys: readonly string[]): void {
  const file = join(dataDir, HUB_KEYS_FILE);
  mkdirSync(dirname(file), { recursive: true, mode: OWNER_ONLY_DIR_MODE });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(keys, null, 2)}\n`, { mode: OWNER_ONLY_FILE_MODE });
  renameSync(`${file}.tmp`, file);
}

/** The key id a hub key signs under: hex of its first 4 raw bytes. */
export const hubKeyIdOf = (key: string): string => Buffer.from(key, 'base64').subarray(0, 4).toString('hex');
