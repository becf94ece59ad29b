import { writeFileSync } from 'node:fs';
import type { ProvinceScope } from '../../domain/sync/province-scope.js';
import { formatEnrollmentQr, isHubUrl } from '../../domain/enrollment/enrollment-qr.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import { hubKeySha256 } from '../../platform/hub-key-fingerprint.js';
import { qrHalfBlocks, qrPng } from '../../platform/qr-output.js';
import { assertHubStorageExists, describeHubStorage, openHubStorage, type HubStorageLocation } from '../storage/open-hub-storage.js';
import { DEVICES_HELP } from '../devices/devices-command.js';
import type { EnrollmentStore } from './enrollment-store.js';
import { CODE_VALIDITY_MS, EnrollmentService, MAX_CODE_VALIDITY_MS } from './enrollment-service.js';

/** Each admin command's lines for the hub's help text (and for its usage errors). */
export const ENROLL_CODE_HELP = `  enroll-code --location "NAME" [--scope 001,079] [--url HUB_URL [--png FILE]] [--valid-hours N] [--pg URL]
             (admin) make a one-time code that enrols one kiosk at NAME; prints the code
             and when it expires (default ${CODE_VALIDITY_MS / 3600_000} hours, at most ${MAX_CODE_VALIDITY_MS / 3600_000}). The hub keeps only its hash.
             --scope: the provinces the kiosk syncs (the first 3 digits of a 12-digit ID),
             default all; it asks the hub about anyone else while they wait at the gate
             --url: the address kiosks reach the hub at; also prints the enrolment as a QR
             (hub URL, code, the hub key's SHA-256) that a new kiosk's set-up screen takes
             from any of its scanners; --png FILE writes that QR as a PNG too`;
export const REVOKE_HELP = `  revoke DEVICE_ID [--pg URL]
             (admin) revoke a kiosk: the hub refuses its requests from the next one on, and
             its key can never enrol again (the kiosk enrols anew: new key, new code)`;
export const ENROLLMENT_HELP = [ENROLL_CODE_HELP, DEVICES_HELP, REVOKE_HELP].join('\n');

/** Who may run the admin commands, for the hub's help text. */
export const ADMIN_CREDENTIAL_HELP = `Admin commands work on the hub's storage directly, so the admin credential is
access to that storage: the --data directory (created owner-only: the hub's
database and signing key are readable by its user alone), or the database
credentials in --pg URL. Kiosks never get either: they reach the hub only through
its signed HTTP API. The admin HTTP API (GET /v1/admin/trace) takes an admin token
instead, made here (admin-token create) and revocable at any time.`;

export interface EnrollmentCommandOptions {
  readonly location: HubStorageLocation;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly now?: () => number;
}

/** Where a kiosk reaches the hub and the hub's key: what the enrolment QR carries besides the code. */
export interface EnrollmentQrOptions {
  readonly hubUrl: string;
  readonly hubPublicKeyRaw: Uint8Array;
  /** Also write the QR as a PNG here. */
  readonly pngFile?: string;
}

/**
 * `chot hub enroll-code`: makes the code, prints it with its location and expiry and, given
 * the hub's URL, the enrolment QR (and its PNG). Exit code 0.
 */
export async function runEnrollCodeCommand(
  options: EnrollmentCommandOptions & {
    readonly name: string;
    readonly validForHours: number;
    readonly qr?: EnrollmentQrOptions;
    /** The provinces the kiosk will sync; absent or null: every province. */
    readonly scope?: ProvinceScope;
  },
): Promise<number> {
  const now = options.now ?? Date.now;
  // Checked before a code is made: a refused URL must not leave a live code behind.
  if (options.qr !== undefined && !isHubUrl(options.qr.hubUrl))
    throw new RangeError('the hub URL must be http:// or https://, a host, an optional port and path (no user, query or fragment)');
  const qrText = (code: string): string | undefined =>
    options.qr === undefined ? undefined : formatEnrollmentQr({ code, hubKeySha256: hubKeySha256(options.qr.hubPublicKeyRaw), hubUrl: options.qr.hubUrl });
  return withEnrollmentStore(options.location, 'create', async (store) => {
    const { code, location, expiresAt, scope } = await new EnrollmentService(store, now).createCode(
      options.name,
      options.validForHours * 3600_000,
      options.scope ?? null,
    );
    const qr = qrText(code);
    options.stdout.write(
      [
        `enrolment code  ${code}`,
        `location        ${location}`,
        `scope           ${scope === null ? 'every province' : `provinces ${scope.join(', ')}`}`,
        `expires         ${toVietnamIso(expiresAt)} (in ${formatHours(expiresAt - now())}; works once)`,
        `hub storage     ${describeHubStorage(options.location)}`,
        ...(qr === undefined
          ? ['(give --url HUB_URL to print it as a QR for the kiosk’s set-up screen)']
          : [`enrolment QR    ${qr}`, 'scan it with the new kiosk’s scanner on its set-up screen (Cài đặt kiosk / Kiosk set-up):', qrHalfBlocks(qr)]),
        '',
      ].join('\n'),
    );
    if (qr !== undefined && options.qr?.pngFile !== undefined) writeFileSync(options.qr.pngFile, await qrPng(qr), { mode: 0o600 });
    return 0;
  });
}

/** `chot hub revoke DEVICE_ID`: exit code 0 when the device is (now) revoked, 1 when unknown. */
export async function runRevokeDeviceCommand(options: EnrollmentCommandOptions & { readonly deviceId: string }): Promise<number> {
  return withEnrollmentStore(options.location, 'existing', async (store) => {
    const device = await store.findDevice(options.deviceId);
    if (device === undefined || !(await store.revokeDevice(options.deviceId))) {
      options.stderr.write(
        `chot hub revoke: no kiosk "${options.deviceId}" is enrolled in ${describeHubStorage(options.location)} (chot hub devices lists them)\n`,
      );
      return 1;
    }
    options.stdout.write(
      device.revoked
        ? `${device.deviceId} (${device.location}) was already revoked\n`
        : `revoked ${device.deviceId} (${device.location}): the hub refuses its requests from now on\n`,
    );
    return 0;
  });
}

/**
 * Opens the hub's storage for one command. Listing and revoking need a hub that exists: a
 * mistyped --data must say so, not create an empty hub and report it has no kiosks.
 */
async function withEnrollmentStore(
  location: HubStorageLocation,
  open: 'create' | 'existing',
  work: (store: EnrollmentStore) => Promise<number>,
): Promise<number> {
  if (open === 'existing') assertHubStorageExists(location);
  const storage = await openHubStorage(location);
  try {
    return await work(storage.enrollment);
  } finally {
    await storage.close();
  }
}

function formatHours(ms: number): string {
  const hours = Math.round((ms / 3600_000) * 10) / 10;
  return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
}
