import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isTrustFileKind,
  TRUST_FILE_FORMAT,
  trustFileSignedBytes,
  type SignedTrustFile,
  type TrustFile,
  type TrustFileKind,
  type TrustFilePayloads,
} from '../../domain/trust/signed-trust-file.js';
import type { HubSigningKey } from '../keys/hub-signing-key.js';

/** Where the hub keeps the trust files it publishes: `<hub data>/trust/published/<kind>.json`, one per kind. */
export const PUBLISHED_TRUST_DIR = join('trust', 'published');

export function signTrustFile<K extends TrustFileKind>(key: HubSigningKey, file: TrustFile<K>): SignedTrustFile<K> {
  const value = Buffer.from(key.sign(trustFileSignedBytes(file))).toString('base64');
  return { ...file, signature: { keyId: key.keyId, value } } as SignedTrustFile<K>;
}

/** The published file of `kind`, if any. */
export function readPublishedTrustFile<K extends TrustFileKind>(hubDataDir: string, kind: K): SignedTrustFile<K> | undefined {
  const file = join(hubDataDir, PUBLISHED_TRUST_DIR, `${kind}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SignedTrustFile<K>) : undefined;
}

/**
 * Signs and publishes a new version of `kind`, replacing the one published. The version is
 * the issue time in whole seconds, or one more than the published version if that is not
 * larger: it only grows, so kiosks can refuse anything older than what they hold, and a hub
 * restored from an older backup still publishes above what its kiosks saw (unless its clock is behind).
 */
export function publishTrustFile<K extends TrustFileKind>(
  hubDataDir: string,
  key: HubSigningKey,
  kind: K,
  payload: TrustFilePayloads[K],
  now: number = Date.now(),
): { file: string; signed: SignedTrustFile<K> } {
  const previous = readPublishedTrustFile(hubDataDir, kind)?.version ?? 0;
  const version = Math.max(previous + 1, Math.floor(now / 1000));
  const unsigned = { format: TRUST_FILE_FORMAT, kind, version, issuedAt: new Date(now).toISOString(), ...payload } as unknown as TrustFile<K>;
  const signed = signTrustFile(key, unsigned);
  const dir = join(hubDataDir, PUBLISHED_TRUST_DIR);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${kind}.json`);
  // Write then rename: the server, reading the folder at each request, never sees half a file.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(signed, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return { file, signed };
}

/** Every published trust file, by kind name (files of kinds this version does not know are left out). */
export function listPublishedTrustFiles(hubDataDir: string): SignedTrustFile[] {
  const dir = join(hubDataDir, PUBLISHED_TRUST_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json') && isTrustFileKind(name.slice(0, -'.json'.length)))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as SignedTrustFile);
}
