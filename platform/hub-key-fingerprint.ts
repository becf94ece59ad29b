import { createHash } from 'node:crypto';

/**
 * The fingerprint an enrolment QR names the hub's key by (domain/enrollment/enrollment-qr.ts):
 * the SHA-256 of the raw 32-byte Ed25519 public key, lower-case hex. The hub prints it, the
 * kiosk checks the key the hub answers with against it: one definition for both.
 */
export function hubKeySha256(publicKeyRaw: Uint8Array): string {
  return createHash('sha256').update(publicKeyRaw).digest('hex');
}
