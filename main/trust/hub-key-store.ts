import { createPublicKey, verify } from 'node:crypto';
import type { HubPublicKey, HubKeyStore } from '../../domain/credentials/verification.js';

/**
 * The hub keys this kiosk trusts for status passes: raw 32-byte Ed25519 public keys
 * (base64), pinned at enrolment or named on the command line.
 */
export function hubKeyStoreFromKeys(base64Keys: readonly string[]): HubKeyStore {
  const keys = new Map<string, HubPublicKey>();
  for (const encoded of base64Keys) {
    const raw = Buffer.from(encoded, 'base64');
    if (raw.length !== 32) throw new Error(`a pass key is a raw 32-byte Ed25519 public key in base64; got ${raw.length} bytes`);
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    const keyId = raw.subarray(0, 4).toString('hex');
    keys.set(keyId, { keyId, verify: (data, signature) => signature.length === 64 && verify(null, data, publicKey, signature) });
  }
  return { byKeyId: (keyId) => keys.get(keyId) };
}

/**
 * The hub keys of a running kiosk: those pinned at start until `reload` reads the pinned file
 * again — an enrolment by QR pins the hub's key while the kiosk runs, and the rule sets, passes
 * and badges it signs must verify from then on, without a restart.
 */
export class ReloadableHubKeys implements HubKeyStore {
  #keys: HubKeyStore;

  constructor(
    initial: HubKeyStore,
    private readonly read: () => readonly string[],
  ) {
    this.#keys = initial;
  }

  byKeyId(keyId: string): HubPublicKey | undefined {
    return this.#keys.byKeyId(keyId);
  }

  reload(): void {
    this.#keys = hubKeyStoreFromKeys(this.read());
  }
}
