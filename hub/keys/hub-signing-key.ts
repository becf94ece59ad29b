import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The hub's Ed25519 signing key: it signs status passes (and, with the sync, snapshots
 * and rule sets). Created on first use, kept as PKCS#8 PEM readable by the owner only.
 */
export interface HubSigningKey {
  /** The raw 32-byte public key, which kiosks pin. */
  readonly publicKeyRaw: Uint8Array;
  /** Hex of the public key's first 4 bytes: names the key in what it signs. */
  readonly keyId: string;
  sign(data: Uint8Array): Uint8Array;
}

export const HUB_KEY_FILE = join('keys', 'hub-ed25519.pem');

export function loadOrCreateHubSigningKey(dataDir: string): HubSigningKey {
  const file = join(dataDir, HUB_KEY_FILE);
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    installKeyFileOnce(file, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  }
  return hubSigningKeyFrom(createPrivateKey(readFileSync(file)));
}

/**
 * Puts `pem` at `file` unless a key is there already. Written whole under a name of its own,
 * then linked in place: a link never overwrites, so of several hub processes started at
 * once on a new data dir, the first key linked is the hub's for all of them (the others'
 * are dropped), and none ever reads a key file half written.
 */
export function installKeyFileOnce(file: string, pem: string): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, pem, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

export function hubSigningKeyFrom(privateKey: KeyObject): HubSigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the hub signing key must be Ed25519');
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const publicKeyRaw = new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'));
  return {
    publicKeyRaw,
    keyId: Buffer.from(publicKeyRaw.subarray(0, 4)).toString('hex'),
    sign: (data) => new Uint8Array(sign(null, data, privateKey)),
  };
}
