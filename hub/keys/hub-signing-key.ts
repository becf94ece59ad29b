import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    // 'wx': never overwrite a key another process created meanwhile.
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  return hubSigningKeyFrom(createPrivateKey(readFileSync(file)));
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
