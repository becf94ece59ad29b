import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HubClient, type HubClientOptions } from '../hub-client/hub-client.js';
import { HubError, type HubFailureCode } from '../hub-client/hub-error.js';
import type { HubErrorCode } from '../../domain/protocol/hub-errors.js';
import { hubKeyStoreFromKeys } from '../trust/hub-key-store.js';
import { hubKeyIdOf, pinHubKey, unpinHubKey } from '../trust/hub-keys-file.js';
import { HUB_KEYS_FILE } from '../trust/kiosk-trust.js';
import { createDeviceKey, DEVICE_ID_FILE, DEVICE_KEY_FILE, publicKeyRawOf, saveDeviceId } from '../hub-client/device-identity.js';
import { HUB_CONFIG_FILE, loadHubConfig, saveHubConfig, type HubConfig } from '../hub-client/hub-config.js';
import { messageOf } from '../../platform/message-of.js';
import { hubKeySha256 } from '../../platform/hub-key-fingerprint.js';

export interface EnrollKioskOptions {
  readonly dataDir: string;
  readonly hubUrl: string;
  /** The one-time code the hub's admin made (`chot hub enroll-code`). */
  readonly code: string;
  /** The hub key the operator expects (base64, from `chot hub public-key`): any other is refused. */
  readonly expectedHubKey?: string;
  /** The SHA-256 (hex) of the hub's raw key, as an enrolment QR names it: a hub with any other key is refused. */
  readonly expectedHubKeySha256?: string;
  readonly now?: () => number;
  /** Timeouts and fetch, for tests. */
  readonly client?: Omit<HubClientOptions, 'url' | 'identity'>;
}

export interface EnrolledKiosk {
  readonly config: HubConfig;
  /** Base64 raw key, now pinned in trust/hub-keys.json. */
  readonly hubPublicKey: string;
  readonly hubKeyId: string;
  readonly hubKeysFile: string;
  /** The hub's sequence at enrolment. */
  readonly seq: number;
}

/** The kiosk's own reasons, or the hub client's code (HubFailureCode) when the hub refused or could not be asked. */
export type EnrollmentFailure = 'already-enrolled' | 'bad-hub-key' | 'hub-key-mismatch' | HubFailureCode;

/** Why enrolment did not happen; `code` is the hub's (`unknown-code`, `expired-code`, …) when it refused. */
export class EnrollmentError extends Error {
  override readonly name = 'EnrollmentError';

  constructor(
    readonly code: EnrollmentFailure,
    message: string,
  ) {
    super(message);
  }
}

/** What the operator is told for the hub's enrolment refusals; any other shows the hub's own message. */
export const ENROLL_REFUSAL_MESSAGES: Readonly<Partial<Record<HubErrorCode, string>>> = {
  'unknown-code': 'the hub does not know this code, or it has been used already: ask the hub’s admin for a new one (chot hub enroll-code)',
  'expired-code': 'this code has expired: ask the hub’s admin for a new one (chot hub enroll-code)',
  'revoked-device': 'the hub has revoked this device key',
  'bad-public-key': 'the hub refused this kiosk’s public key',
  'wrong-hub-key': 'the hub at this URL signs with another key than --hub-key names: check the URL and the key; the code was not used',
};

/**
 * Enrols the kiosk with a hub: makes the device key, redeems the code with its public
 * key, then saves the device id, pins the hub's key and writes hub.json — in that order,
 * hub.json last, since its presence means "enrolled". Any failure undoes what was made
 * (the device key above all), so the operator can simply try again with a new code.
 *
 * The hub's key is only known from its answer (the protocol has no unsigned way to ask for
 * it before), so an unexpected key is refused before anything is kept on the kiosk; the
 * hub has then spent the code on a key the kiosk has thrown away.
 */
export async function enrollKiosk(options: EnrollKioskOptions): Promise<EnrolledKiosk> {
  const { dataDir } = options;
  const enrolled = loadHubConfig(dataDir);
  if (enrolled !== undefined) {
    throw new EnrollmentError(
      'already-enrolled',
      `this kiosk is already enrolled with ${enrolled.url} as ${enrolled.deviceId} (${enrolled.location}) since ${enrolled.enrolledAt}; ` +
        `to enrol it again, remove ${join(dataDir, HUB_CONFIG_FILE)}, ${join(dataDir, DEVICE_KEY_FILE)} and ${join(dataDir, DEVICE_ID_FILE)}`,
    );
  }
  const keyFile = join(dataDir, DEVICE_KEY_FILE);
  if (existsSync(keyFile)) {
    throw new EnrollmentError(
      'already-enrolled',
      `this kiosk already has a device key (${keyFile}) but no ${HUB_CONFIG_FILE}: an earlier enrolment did not finish; remove the key to enrol again`,
    );
  }
  const expected = options.expectedHubKey === undefined ? undefined : normaliseKey(options.expectedHubKey);
  // Checked before anything is made: a bad URL must not leave a device key behind.
  const client = new HubClient({ ...options.client, url: options.hubUrl });

  const privateKey = createDeviceKey(dataDir);
  let pinned: string | undefined;
  try {
    let answer;
    try {
      answer = await client.enroll(options.code, publicKeyRawOf(privateKey), undefined, expected, options.expectedHubKeySha256);
    } catch (error) {
      if (error instanceof HubError) throw new EnrollmentError(error.code, `${refusalMessage(error)} (${error.code})`);
      throw error;
    }
    const hubKey = checkedHubKey(answer.hubPublicKey, answer.hubKeyId);
    if (expected !== undefined && hubKey !== expected) {
      throw new EnrollmentError(
        'hub-key-mismatch',
        `the hub at ${client.url} signs with key ${hubKeyIdOf(hubKey)} (${hubKey}), not the expected ${hubKeyIdOf(expected)}: nothing was kept. ` +
          'Check the URL (is something else answering?) and the key you were given',
      );
    }
    const answeredSha256 = hubKeySha256(Buffer.from(hubKey, 'base64'));
    if (options.expectedHubKeySha256 !== undefined && answeredSha256 !== options.expectedHubKeySha256) {
      throw new EnrollmentError(
        'hub-key-mismatch',
        `the hub at ${client.url} signs with key ${hubKeyIdOf(hubKey)} (SHA-256 ${answeredSha256}), not the one the enrolment QR names (SHA-256 ${options.expectedHubKeySha256}): nothing was kept. ` +
          'Check the URL (is something else answering?) and ask for a new QR',
      );
    }
    if (!/^[\w.:-]{1,128}$/.test(answer.deviceId))
      throw new EnrollmentError('bad-response', `the hub gave an unusable device id ${JSON.stringify(answer.deviceId)}`);
    saveDeviceId(dataDir, answer.deviceId);
    if (pinHubKey(dataDir, hubKey).added) pinned = hubKey;
    const config: HubConfig = {
      url: client.url,
      deviceId: answer.deviceId,
      location: answer.location,
      enrolledAt: new Date(options.now?.() ?? Date.now()).toISOString(),
    };
    saveHubConfig(dataDir, config);
    return { config, hubPublicKey: hubKey, hubKeyId: hubKeyIdOf(hubKey), hubKeysFile: join(dataDir, HUB_KEYS_FILE), seq: answer.seq };
  } catch (error) {
    rmSync(keyFile, { force: true });
    rmSync(join(dataDir, DEVICE_ID_FILE), { force: true });
    if (pinned !== undefined) unpinHubKey(dataDir, pinned);
    throw error;
  }
}

function refusalMessage(error: HubError): string {
  const known = Object.hasOwn(ENROLL_REFUSAL_MESSAGES, error.code) ? ENROLL_REFUSAL_MESSAGES[error.code as HubErrorCode] : undefined;
  return known ?? error.message;
}

/** A base64 raw 32-byte Ed25519 key in canonical base64 (padding and all), or an EnrollmentError. */
function normaliseKey(key: string): string {
  try {
    hubKeyStoreFromKeys([key]);
  } catch (error) {
    throw new EnrollmentError('bad-hub-key', `--hub-key: ${messageOf(error)}`);
  }
  return Buffer.from(key, 'base64').toString('base64');
}

function checkedHubKey(key: string, keyId: string): string {
  let canonical: string;
  try {
    canonical = normaliseKey(key);
  } catch {
    throw new EnrollmentError('bad-response', 'the hub’s public key is not a raw 32-byte Ed25519 key');
  }
  if (hubKeyIdOf(canonical) !== keyId)
    throw new EnrollmentError('bad-response', `the hub names its key ${keyId}, but the key it sent is ${hubKeyIdOf(canonical)}`);
  return canonical;
}
