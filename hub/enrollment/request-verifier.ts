import { createHash, createPublicKey, verify } from 'node:crypto';
import { decodeKioskReport, type KioskReport } from '../../domain/sync/kiosk-report.js';
import { canonicalRequest, REPORT_HEADER, REQUEST_CLOCK_WINDOW_MS, REQUEST_HEADERS } from '../../domain/sync/signed-request.js';

/** A kiosk the hub knows. */
export interface DeviceRecord {
  readonly deviceId: string;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKeyRaw: Uint8Array;
  readonly location: string;
  readonly revoked: boolean;
  /** The provinces it syncs (province-scope.ts); absent: every province. */
  readonly scope?: readonly string[];
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
 * Where the nonces of accepted requests are kept for the clock window: the hub's storage, so
 * that a captured request does not pass again after a restart (or at another hub process on
 * the same database). Entries older than the window may be forgotten: their timestamp can
 * no longer pass.
 */
export interface NonceStore {
  /** Whether this device's nonce was recorded (and not yet forgotten). */
  seen(deviceId: string, nonce: string): Promise<boolean>;
  /** Records the nonce unless it is there already, atomically (even across processes): false when it was. */
  remember(deviceId: string, nonce: string, timestampMs: number, nowMs: number): Promise<boolean>;
}

/** Nonces in memory: for tests, and for a hub that keeps nothing across restarts. */
export class MemoryNonceStore implements NonceStore {
  private readonly nonces = new Map<string, number>();

  async seen(deviceId: string, nonce: string): Promise<boolean> {
    return this.nonces.has(`${deviceId}\n${nonce}`);
  }

  async remember(deviceId: string, nonce: string, timestampMs: number, nowMs: number): Promise<boolean> {
    for (const [key, at] of this.nonces) {
      if (nowMs - at <= REQUEST_CLOCK_WINDOW_MS) break; // insertion order ≈ time order
      this.nonces.delete(key);
    }
    const key = `${deviceId}\n${nonce}`;
    if (this.nonces.has(key)) return false;
    this.nonces.set(key, timestampMs);
    return true;
  }
}

type Refused = { ok: false; refusal: RequestRefusal };

/**
 * A request that passed. `report`: the kiosk's status report, when it sent a well-formed one
 * (signed with the request). A malformed one costs the kiosk its report, not its request
 * (`reportProblem` says why): a sync must never fail over a diagnostic.
 */
export type Verified = { ok: true; device: DeviceRecord; report?: KioskReport; reportProblem?: string };
/** A request whose headers passed every check that needs no body. */
type Admitted = { ok: true; device: DeviceRecord; deviceId: string; timestampMs: number; nonce: string; signature: string };

/**
 * Authenticates kiosk requests: known, unrevoked device; timestamp within the window;
 * a nonce never seen within the window (nonces older than the window cannot pass the
 * timestamp check, so forgetting them is safe); a valid Ed25519 signature.
 *
 * `admit` runs every check the headers allow, before a body is read: a request from no
 * enrolled device, a stale or a replayed one costs the hub no body. `verify` then checks the
 * signature over the body and records the nonce, atomically in the nonce store, so two
 * concurrent copies of one request cannot both pass; the device is looked up on every
 * request (no cache), so a revocation counts from the next request.
 */
export class RequestVerifier {
  constructor(
    private readonly devices: DeviceDirectory,
    private readonly now: () => number = Date.now,
    private readonly nonces: NonceStore = new MemoryNonceStore(),
  ) {}

  async admit(headers: IncomingRequest['headers']): Promise<Admitted | Refused> {
    const header = (name: string): string | undefined => {
      const value = headers[name];
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
    const timestampMs = Number(timestamp);
    if (!Number.isSafeInteger(timestampMs) || Math.abs(this.now() - timestampMs) > REQUEST_CLOCK_WINDOW_MS) return { ok: false, refusal: 'stale-timestamp' };
    if (nonce.length < 16 || nonce.length > 64) return { ok: false, refusal: 'unsigned' };
    if (await this.nonces.seen(deviceId, nonce)) return { ok: false, refusal: 'replayed' };
    return { ok: true, device, deviceId, timestampMs, nonce, signature };
  }

  async verify(request: IncomingRequest): Promise<Verified | Refused> {
    const admitted = await this.admit(request.headers);
    if (!admitted.ok) return admitted;
    const { device, deviceId, timestampMs, nonce, signature } = admitted;
    // Duplicated headers arrive joined (or as a list): signed over the one value the kiosk sent, or refused.
    const reportHeader = request.headers[REPORT_HEADER];
    if (Array.isArray(reportHeader)) return { ok: false, refusal: 'bad-signature' };
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(device.publicKeyRaw).toString('base64url') }, format: 'jwk' });
    const signed = canonicalRequest({
      method: request.method,
      pathWithQuery: request.pathWithQuery,
      deviceId,
      timestampMs,
      nonce,
      bodySha256: createHash('sha256').update(request.body).digest('hex'),
      ...(reportHeader === undefined ? {} : { report: reportHeader }),
    });
    const signatureBytes = Buffer.from(signature, 'base64url');
    if (signatureBytes.length !== 64 || !verify(null, signed, key, signatureBytes)) return { ok: false, refusal: 'bad-signature' };
    // Only a correctly signed request consumes its nonce, so nobody can burn another device's nonces.
    if (!(await this.nonces.remember(deviceId, nonce, timestampMs, this.now()))) return { ok: false, refusal: 'replayed' };
    if (reportHeader === undefined) return { ok: true, device };
    const decoded = decodeKioskReport(reportHeader);
    return decoded.ok ? { ok: true, device, report: decoded.report } : { ok: true, device, reportProblem: decoded.problem };
  }
}
