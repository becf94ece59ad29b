import { createHash, createPublicKey, verify } from 'node:crypto';
import { canonicalRequest, REQUEST_CLOCK_WINDOW_MS, REQUEST_HEADERS } from '../../domain/sync/signed-request.js';

/** A kiosk the hub knows. */
export interface DeviceRecord {
  readonly deviceId: string;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKeyRaw: Uint8Array;
  readonly location: string;
  readonly revoked: boolean;
}

/** Where the verifier looks devices up, on every request: async, because it may be a database. */
export interface DeviceDirectory {
  findDevice(deviceId: string): Promise<DeviceRecord | undefined>;
}

export type RequestRefusal = 'unsigned' | 'unknown-device' | 'revoked' | 'stale-timestamp' | 'replayed' | 'bad-signature';

export interface IncomingRequest {
  readonly method: string;
  readonly pathWithQuery: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array;
}

/**
 * Authenticates kiosk requests: known, unrevoked device; timestamp within the window;
 * a nonce never seen within the window (nonces older than the window cannot pass the
 * timestamp check, so forgetting them is safe); a valid Ed25519 signature.
 *
 * `verify` is async because the directory is. The nonce is checked and recorded after the
 * last await, in one synchronous step, so two concurrent copies of one request cannot both
 * pass; and the device is looked up on every request (no cache), so a revocation counts
 * from the next request.
 */
export class RequestVerifier {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly devices: DeviceDirectory,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(request: IncomingRequest): Promise<{ ok: true; device: DeviceRecord } | { ok: false; refusal: RequestRefusal }> {
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const deviceId = header(REQUEST_HEADERS.device);
    const timestamp = header(REQUEST_HEADERS.timestamp);
    const nonce = header(REQUEST_HEADERS.nonce);
    const signature = header(REQUEST_HEADERS.signature);
    if (deviceId === undefined || timestamp === undefined || nonce === undefined || signature === undefined) return { ok: false, refusal: 'unsigned' };
    const device = await this.devices.findDevice(deviceId);
    if (device === undefined) return { ok: false, refusal: 'unknown-device' };
    if (device.revoked) return { ok: false, refusal: 'revoked' };
    const now = this.now();
    const timestampMs = Number(timestamp);
    if (!Number.isSafeInteger(timestampMs) || Math.abs(now - timestampMs) > REQUEST_CLOCK_WINDOW_MS) return { ok: false, refusal: 'stale-timestamp' };
    if (nonce.length < 16 || nonce.length > 64) return { ok: false, refusal: 'unsigned' };
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(device.publicKeyRaw).toString('base64url') }, format: 'jwk' });
    const signed = canonicalRequest({
      method: request.method,
      pathWithQuery: request.pathWithQuery,
      deviceId,
      timestampMs,
      nonce,
      bodySha256: createHash('sha256').update(request.body).digest('hex'),
    });
    const signatureBytes = Buffer.from(signature, 'base64url');
    if (signatureBytes.length !== 64 || !verify(null, signed, key, signatureBytes)) return { ok: false, refusal: 'bad-signature' };
    // Only a correctly signed request consumes its nonce, so nobody can burn another device's nonces.
    const replayKey = `${deviceId}\n${nonce}`;
    this.forgetOldNonces(now);
    if (this.seen.has(replayKey)) return { ok: false, refusal: 'replayed' };
    this.seen.set(replayKey, timestampMs);
    return { ok: true, device };
  }

  private forgetOldNonces(now: number): void {
    for (const [key, at] of this.seen) {
      if (now - at <= REQUEST_CLOCK_WINDOW_MS) break; // insertion order ≈ time order
      this.seen.delete(key);
    }
  }
}
