import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import { describeHubStorage, openHubStorage, type HubStorageLocation } from '../storage/open-hub-storage.js';
import { HUB_SQLITE_FILE } from '../storage/sqlite-hub-storage.js';
import type { EnrollmentStore } from './enrollment-store.js';
import { CODE_VALIDITY_MS, EnrollmentService, MAX_CODE_VALIDITY_MS } from './enrollment-service.js';

/** Each admin command's lines for the hub's help text (and for its usage errors). */
export const ENROLL_CODE_HELP = `  enroll-code --location "NAME" [--valid-hours N] [--pg URL]
             (admin) make a one-time code that enrols one kiosk at NAME; prints the code
             and when it expires (default ${CODE_VALIDITY_MS / 3600_000} hours, at most ${MAX_CODE_VALIDITY_MS / 3600_000}). The hub keeps only its hash.`;
export const DEVICES_HELP = `  devices [--pg URL]
             (admin) list the enrolled kiosks: id, enrolled at, active or revoked, location`;
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

/** `chot hub enroll-code`: makes the code, prints it with its location and expiry. Exit code 0. */
export async function runEnrollCodeCommand(options: EnrollmentCommandOptions & { readonly name: string; readonly validForHours: number }): Promise<number> {
  const now = options.now ?? Date.now;
  return withEnrollmentStore(options.location, 'create', async (store) => {
    const { code, location, expiresAt } = await new EnrollmentService(store, now).createCode(options.name, options.validForHours * 3600_000);
    options.stdout.write(
      [
        `enrolment code  ${code}`,
        `location        ${location}`,
        `expires         ${toVietnamIso(expiresAt)} (in ${formatHours(expiresAt - now())}; works once)`,
        `hub storage     ${describeHubStorage(options.location)}`,
        '',
      ].join('\n'),
    );
    return 0;
  });
}

/** `chot hub devices`: one line per kiosk, revoked ones too. Exit code 0. */
export async function runListDevicesCommand(options: EnrollmentCommandOptions): Promise<number> {
  return withEnrollmentStore(options.location, 'existing', async (store) => {
    const devices = await store.listDevices();
    if (devices.length === 0) {
      options.stdout.write(`no kiosks enrolled (${describeHubStorage(options.location)})\n`);
      return 0;
    }
    // The location, the only column of varying width, goes last: the others stay aligned.
    const rows = [
      ['DEVICE', 'ENROLLED AT', 'STATUS', 'LOCATION'],
      ...devices.map((d) => [d.deviceId, toVietnamIso(d.enrolledAt), d.revoked ? 'revoked' : 'active', d.location]),
    ];
    // The status column is as wide as 'revoked' even when none is: the layout does not shift.
    const widths = [0, 1, 2].map((column) => Math.max(column === 2 ? 'revoked'.length : 0, ...rows.map((row) => row[column]?.length ?? 0)));
    options.stdout.write(rows.map((row) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')).join('\n') + '\n');
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
  if (open === 'existing' && 'dataDir' in location && !existsSync(join(location.dataDir, HUB_SQLITE_FILE))) {
    throw new Error(`no hub database at ${describeHubStorage(location)}: check --data (or give --pg URL)`);
  }
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
