import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrollmentService } from '../../../hub/enrollment/enrollment-service.js';
import type { EnrolledDevice } from '../../../hub/enrollment/enrollment-store.js';
import { RequestVerifier } from '../../../hub/enrollment/request-verifier.js';
import { openHubStorage, type HubStorageLocation } from '../../../hub/storage/open-hub-storage.js';
import { deviceIdentityFrom, publicKeyRawOf } from '../../../main/hub-client/device-identity.js';
import { repoRoot, tempDataDir } from '../../support/kiosk-process.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { runChot } from '../../support/run-chot.js';

// Through the real `chot` binary, as an admin runs it (built by `npm run build`).
const CODE_LINE = /^enrolment code {2}([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})$/m;
const EXPIRES_LINE = /^expires {9}(\S+) \(in (\S+) hours?; works once\)$/m;

function storageArgs(location: HubStorageLocation): string[] {
  return 'pgUrl' in location ? ['--pg', location.pgUrl] : ['--data', location.dataDir];
}

/** `chot hub enroll-code`, then what a kiosk's redemption of the printed code gives. */
async function enrolKiosk(location: HubStorageLocation, name: string) {
  const run = runChot(['hub', 'enroll-code', '--location', name, ...storageArgs(location)]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const code = CODE_LINE.exec(run.stdout)?.[1];
  if (code === undefined) throw new Error(`no code in: ${run.stdout}`);
  const key = generateKeyPairSync('ed25519').privateKey;
  const storage = await openHubStorage(location);
  try {
    const enrolled = await new EnrollmentService(storage.enrollment).redeem(code, publicKeyRawOf(key));
    if (!enrolled.ok) throw new Error(enrolled.refusal);
    return { code, key, device: enrolled.device, stdout: run.stdout };
  } finally {
    await storage.close();
  }
}

/** What the serving hub would answer a request from this kiosk now. */
async function hubAnswers(location: HubStorageLocation, device: EnrolledDevice, key: ReturnType<typeof generateKeyPairSync>['privateKey']) {
  const storage = await openHubStorage(location);
  try {
    const headers = deviceIdentityFrom(device.deviceId, key).signRequest('GET', '/v1/snapshot');
    const answer = await new RequestVerifier(storage.enrollment).verify({ method: 'GET', pathWithQuery: '/v1/snapshot', headers, body: new Uint8Array() });
    return answer.ok ? 'accepted' : answer.refusal;
  } finally {
    await storage.close();
  }
}

let cluster: PostgresCluster | undefined;
beforeAll(() => {
  if (!existsSync(join(repoRoot(), 'dist', 'hub', 'enrollment', 'enrollment-commands.js'))) {
    throw new Error('dist/ has no hub enrolment commands: run `npm run build` before these tests');
  }
});
afterAll(() => cluster?.stop());

// Each case runs the built `chot` a dozen times, each a Node start-up: on a loaded 2-core
// machine that alone can pass the default 20 s, so the bound is on hangs, not on speed.
describe('chot hub enroll-code, devices, revoke (the real binary)', { timeout: 120_000 }, () => {
  it('prints a one-time code and its expiry; the code enrols one kiosk, once, and is not in the database file', async () => {
    const dataDir = tempDataDir('chot-hub-');
    const before = Date.now();
    const { code, stdout } = await enrolKiosk({ dataDir }, 'Bến xe phía Bắc, Nha Trang');
    expect(stdout).toContain('location        Bến xe phía Bắc, Nha Trang\n');
    const [, expires, hours] = EXPIRES_LINE.exec(stdout) ?? [];
    expect(expires).toMatch(/\+07:00$/);
    expect(hours).toBe('24');
    expect(Date.parse(expires ?? '')).toBeGreaterThanOrEqual(before + 24 * 3600_000);
    expect(Date.parse(expires ?? '')).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
    const storage = await openHubStorage({ dataDir });
    try {
      expect(await new EnrollmentService(storage.enrollment).redeem(code, publicKeyRawOf(generateKeyPairSync('ed25519').privateKey))).toEqual({
        ok: false,
        refusal: 'unknown-code',
      });
    } finally {
      await storage.close();
    }
    // A code that is never redeemed stays on disk as its hash only.
    const unused = CODE_LINE.exec(runChot(['hub', 'enroll-code', '--location', 'Chợ Đầm', '--valid-hours', '2', '--data', dataDir]).stdout)?.[1] ?? '';
    const files = ['hub.sqlite', 'hub.sqlite-wal'].map((f) => join(dataDir, f)).filter((f) => existsSync(f));
    const bytes = Buffer.concat(files.map((f) => readFileSync(f))).toString('latin1');
    expect(unused).not.toBe('');
    expect(bytes).not.toContain(unused);
    expect(bytes).not.toContain(unused.replace(/-/g, ''));
  });

  it('lists kiosks, revokes one, and the hub refuses its requests from then on', async () => {
    const dataDir = tempDataDir('chot-hub-');
    const empty = runChot(['hub', 'devices', '--data', dataDir]);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain(`no hub database at ${join(dataDir, 'hub.sqlite')}`);
    expect(existsSync(join(dataDir, 'hub.sqlite'))).toBe(false);

    const first = await enrolKiosk({ dataDir }, 'Cổng 1');
    const second = await enrolKiosk({ dataDir }, 'Chợ Xóm Mới, Nha Trang');
    const listed = runChot(['hub', 'devices', '--data', dataDir]);
    expect(listed.status).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^DEVICE\s+STATUS\s+LAST SEEN\s+DATA AGE\s+BACKLOG\s+RULE SET\s+APP\s+FLAGS\s+LOCATION$/);
    expect(lines.slice(1, 3)).toEqual([
      expect.stringMatching(new RegExp(`^${first.device.deviceId}  active .*  Cổng 1$`)),
      expect.stringMatching(new RegExp(`^${second.device.deviceId}  active .*  Chợ Xóm Mới, Nha Trang$`)),
    ]);
    expect(await hubAnswers({ dataDir }, first.device, first.key)).toBe('accepted');

    const revoked = runChot(['hub', 'revoke', first.device.deviceId, '--data', dataDir]);
    expect(revoked.stderr).toBe('');
    expect(revoked.status).toBe(0);
    expect(revoked.stdout).toBe(`revoked ${first.device.deviceId} (Cổng 1): the hub refuses its requests from now on\n`);
    expect(await hubAnswers({ dataDir }, first.device, first.key)).toBe('revoked');
    expect(await hubAnswers({ dataDir }, second.device, second.key)).toBe('accepted');
    expect(runChot(['hub', 'devices', '--data', dataDir]).stdout).toMatch(new RegExp(`^${first.device.deviceId}  revoked .*  Cổng 1$`, 'm'));
    expect(runChot(['hub', 'revoke', '--data', dataDir, first.device.deviceId]).stdout).toBe(`${first.device.deviceId} (Cổng 1) was already revoked\n`);

    const unknown = runChot(['hub', 'revoke', 'k-0000000000000000', '--data', dataDir]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no kiosk "k-0000000000000000" is enrolled');
  });

  it('works on PostgreSQL with --pg', async () => {
    cluster = startPostgres();
    const pgUrl = cluster.createDatabase();
    const { device, key } = await enrolKiosk({ pgUrl }, 'Sân bay Cam Ranh');
    expect(runChot(['hub', 'devices', '--pg', pgUrl]).stdout).toMatch(new RegExp(`^${device.deviceId}  active .*  Sân bay Cam Ranh$`, 'm'));
    expect(runChot(['hub', 'revoke', device.deviceId, '--pg', pgUrl]).status).toBe(0);
    expect(await hubAnswers({ pgUrl }, device, key)).toBe('revoked');
    expect(runChot(['hub', 'devices', '--pg', pgUrl]).stdout).toMatch(new RegExp(`^${device.deviceId}  revoked .*  Sân bay Cam Ranh$`, 'm'));
  }, 60_000);

  it.each([
    [['enroll-code'], /--location "NAME" is needed/],
    [['enroll-code', '--location', '  '], /--location "NAME" is needed/],
    [['enroll-code', '--location', 'x', '--valid-hours', '169'], /--valid-hours must be a positive number of hours, at most 168/],
    [['enroll-code', '--location', 'x', '--valid-hours', '0'], /--valid-hours must be/],
    [['enroll-code', '--location', 'x'.repeat(201)], /at most 200 characters/],
    [['enroll-code', '--location', 'x', '--data', '/tmp/a', '--pg', 'postgresql://x/y'], /not both/],
    [['devices', 'extra'], /does not take positional arguments/],
    [['revoke'], /exactly one DEVICE_ID/],
    [['revoke', 'k-1', 'k-2'], /exactly one DEVICE_ID/],
  ])('refuses %j with exit code 2', (args, message) => {
    const run = runChot(['hub', ...args, ...(args.includes('--data') ? [] : ['--data', tempDataDir('chot-hub-')])]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('says in its help that access to the storage is the admin credential', () => {
    const help = runChot(['hub', '--help']).stdout;
    expect(help).toContain('enroll-code --location "NAME" [--scope 001,079] [--url HUB_URL [--png FILE]] [--valid-hours N] [--pg URL]');
    expect(help).toContain('devices [--pg URL]');
    expect(help).toContain('revoke DEVICE_ID [--pg URL]');
    expect(help).toMatch(/admin credential is\s+access to that storage/);
  });
});
