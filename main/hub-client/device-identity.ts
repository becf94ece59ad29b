import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { canonicalRequest, REPORT_HEADER, REQUEST_HEADERS } from '../../domain/sync/signed-request.js';

/**
 * The kiosk's device key pair, made at enrolment and kept in the data directory, readable
 * by the owner only. The hub knows the kiosk by the public key; every request is signed.
 */
export interface DeviceIdentity {
  readonly deviceId: string;
  readonly publicKeyRaw: Uint8Array;
  /**
   * Headers that authenticate one request (see domain/sync/signed-request.ts); with `report`
   * (an encoded kiosk report), the report header too, covered by the signature.
   */
  signRequest(method: string, pathWithQuery: string, body?: Uint8Array, nowMs?: number, report?: string): Record<string, string>;
}

export const DEVICE_KEY_FILE = join('trust', 'device-ed25519.pem');
export const DEVICE_ID_FILE = join('trust', 'device-id');

/** Creates the key pair, or refuses if one exists: a kiosk is enrolled once (re-enrol by removing it). */
export function createDeviceKey(dataDir: string): KeyObject {
  const file = join(dataDir, DEVICE_KEY_FILE);
  if (existsSync(file)) throw new Error(`this kiosk already has a device key (${file}); remove it to enrol again`);
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return privateKey;
}

export function saveDeviceId(dataDir: string, deviceId: string): void {
  writeFileSync(join(dataDir, DEVICE_ID_FILE), `${deviceId}\n`, { mode: 0o600 });
}

/** The enrolled identity, or undefined when the kiosk has not been enrolled. */
export function loadDeviceIdentity(dataDir: string): DeviceIdentity | undefined {
  const keyFile = join(dataDir, DEVICE_KEY_FILE);
  const idFile = join(dataDir, DEVICE_ID_FILE);
  if (!existsSync(keyFile) || !existsSync(idFile)) return undefined;
  return deviceIdentityFrom(readFileSync(idFile, 'utf8').trim(), createPrivateKey(readFileSync(keyFile)));
}

export function publicKeyRawOf(privateKey: KeyObject): Uint8Array {
  return new Uint8Array(Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '', 'base64url'));
}

export function deviceIdentityFrom(deviceId: string, privateKey: KeyObject): DeviceIdentity {
  return {
    deviceId,
    publicKeyRaw: publicKeyRawOf(privateKey),
    signRequest(method, pathWithQuery, body = new Uint8Array(), nowMs = Date.now(), report) {
      const nonce = randomBytes(16).toString('base64url');
      const bodySha256 = createHash('sha256').update(body).digest('hex');
      const signed = canonicalRequest({ method, pathWithQuery, deviceId, timestampMs: nowMs, nonce, bodySha256, ...(report === undefined ? {} : { report }) });
      const signature = sign(null, signed, privateKey);
      return {
        [REQUEST_HEADERS.device]: deviceId,
        [REQUEST_HEADERS.timestamp]: String(nowMs),
        [REQUEST_HEADERS.nonce]: nonce,
        [REQUEST_HEADERS.signature]: signature.toString('base64url'),
        ...(report === undefined ? {} : { [REPORT_HEADER]: report }),
      };
    },
  };
}
