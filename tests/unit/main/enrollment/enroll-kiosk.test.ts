import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../../cli/main.js';
import { captureOutput, type ChotOutput } from '../../../support/chot-in-process.js';
import { runSync } from '../../../../cli/commands/sync.js';
import { DEVICE_ID_FILE, DEVICE_KEY_FILE, loadDeviceIdentity } from '../../../../main/hub-client/device-identity.js';
import { enrollKiosk, EnrollmentError } from '../../../../main/enrollment/enroll-kiosk.js';
import { HUB_CONFIG_FILE, loadHubConfig } from '../../../../main/hub-client/hub-config.js';
import { HubClient } from '../../../../main/hub-client/hub-client.js';
import { pinHubKey, readPinnedHubKeys } from '../../../../main/trust/hub-keys-file.js';
import { HUB_KEYS_FILE } from '../../../../main/trust/kiosk-trust.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { syncBundles } from '../../../support/sync-bundle.js';
import { changedPeople, people, testHubKey } from '../../../support/sync-fixtures.js';
import { closeAll, fakeHub } from '../sync/sync-harness.js';

const key = testHubKey();
const other = testHubKey();

afterEach(async () => {
  vi.restoreAllMocks();
  await closeAll();
});

/** Nothing of an enrolment is left in the data directory. */
function expectNothingKept(dataDir: string): void {
  expect(existsSync(join(dataDir, DEVICE_KEY_FILE))).toBe(false);
  expect(existsSync(join(dataDir, DEVICE_ID_FILE))).toBe(false);
  expect(existsSync(join(dataDir, HUB_CONFIG_FILE))).toBe(false);
  expect(readPinnedHubKeys(dataDir)).toEqual([]);
}

function chot(...argv: string[]): Promise<ChotOutput> {
  return captureOutput(async () => (argv[0] === 'sync' ? runSync(argv.slice(1), { workerUrl: (await syncBundles()).workerUrl }) : main(argv)));
}

describe('enrolKiosk', () => {
  it('registers the device key, pins the hub key and writes hub.json; requests are then signed and accepted', async () => {
    const hub = await fakeHub(key);
    const dataDir = tempDataDir('chot-enrol-');
    const enrolled = await enrollKiosk({
      dataDir,
      hubUrl: hub.url,
      code: await hub.createCode('Cổng Bắc, Chợ Đầm'),
      now: () => Date.parse('2021-10-20T01:00:00Z'),
    });

    expect(enrolled).toMatchObject({ hubPublicKey: key.publicKeyBase64, hubKeyId: key.keyId, seq: 0 });
    const config = loadHubConfig(dataDir);
    expect(config).toEqual({
      url: `${hub.url}/`,
      deviceId: expect.stringMatching(/^k-[0-9a-f]{16}$/),
      location: 'Cổng Bắc, Chợ Đầm',
      enrolledAt: '2021-10-20T01:00:00.000Z',
    });
    expect(readPinnedHubKeys(dataDir)).toEqual([key.publicKeyBase64]);
    expect(JSON.parse(readFileSync(join(dataDir, HUB_KEYS_FILE), 'utf8'))).toEqual([key.publicKeyBase64]);
    const identity = loadDeviceIdentity(dataDir);
    expect(identity?.deviceId).toBe(config?.deviceId);
    expect(await new HubClient({ url: hub.url, identity }).status()).toMatchObject({ seq: 0, hubKeyId: key.keyId });
  });

  it('refuses to enrol twice, saying how to start over', async () => {
    const hub = await fakeHub(key);
    const dataDir = tempDataDir('chot-enrol-');
    await enrollKiosk({ dataDir, hubUrl: hub.url, code: await hub.createCode() });
    const before = readFileSync(join(dataDir, HUB_CONFIG_FILE), 'utf8');
    const again = enrollKiosk({ dataDir, hubUrl: hub.url, code: await hub.createCode() });
    await expect(again).rejects.toMatchObject({ code: 'already-enrolled', message: expect.stringMatching(/already enrolled.*remove/) });
    expect(readFileSync(join(dataDir, HUB_CONFIG_FILE), 'utf8')).toBe(before);
    expect(hub.count('enroll')).toBe(1);
  });

  it.each([
    ['an unknown code', async () => 'ABCD-EFGH-JKMN', 'unknown-code'],
    [
      'a code already used',
      async (hub: Awaited<ReturnType<typeof fakeHub>>) => {
        const code = await hub.createCode();
        await enrollKiosk({ dataDir: tempDataDir('chot-enrol-'), hubUrl: hub.url, code });
        return code;
      },
      'unknown-code',
    ],
    [
      'an expired code',
      async (hub: Awaited<ReturnType<typeof fakeHub>>) => {
        const code = await hub.createCode('Ga Nha Trang', 60_000);
        hub.clock += 120_000;
        return code;
      },
      'expired-code',
    ],
  ])('%s is refused, no key is left behind, and a new code then works', async (_label, codeOf, refusal) => {
    const hub = await fakeHub(key);
    const dataDir = tempDataDir('chot-enrol-');
    const failure = await enrollKiosk({ dataDir, hubUrl: hub.url, code: await codeOf(hub) }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EnrollmentError);
    expect(failure).toMatchObject({ code: refusal, message: expect.stringContaining('new one') });
    expectNothingKept(dataDir);
    await expect(enrollKiosk({ dataDir, hubUrl: hub.url, code: await hub.createCode() })).resolves.toMatchObject({ hubKeyId: key.keyId });
  });

  it('an unreachable hub leaves no key behind', async () => {
    const hub = await fakeHub(key);
    const url = hub.url;
    await hub.down();
    const dataDir = tempDataDir('chot-enrol-');
    await expect(enrollKiosk({ dataDir, hubUrl: url, code: 'ABCD-EFGH-JKMN' })).rejects.toMatchObject({ code: 'unreachable' });
    expectNothingKept(dataDir);
  });

  it('with --hub-key, a hub answering with another key is refused before anything is kept', async () => {
    const hub = await fakeHub(key);
    const dataDir = tempDataDir('chot-enrol-');
    const failure = await enrollKiosk({ dataDir, hubUrl: hub.url, code: await hub.createCode(), expectedHubKey: other.publicKeyBase64 }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 'hub-key-mismatch', message: expect.stringContaining(`not the expected ${other.keyId}`) });
    expectNothingKept(dataDir);
    // A key pinned before enrolment stays pinned when the enrolment is undone.
    pinHubKey(dataDir, key.publicKeyBase64);
    await expect(enrollKiosk({ dataDir, hubUrl: hub.url, code: 'WRONG-CODE' })).rejects.toMatchObject({ code: 'unknown-code' });
    expect(readPinnedHubKeys(dataDir)).toEqual([key.publicKeyBase64]);
    await expect(enrollKiosk({ dataDir, hubUrl: hub.url, code: await hub.createCode(), expectedHubKey: key.publicKeyBase64 })).resolves.toMatchObject({
      hubKeyId: key.keyId,
    });
  });
});

describe('chot enroll and chot sync', () => {
  it('enrol, then sync once: prints the device, location, key id; then what was applied, the sequence and the data age', async () => {
    const hub = await fakeHub(key);
    hub.publish(people(120));
    hub.buildSnapshot();
    hub.publish(changedPeople(120, 10, 1));
    const dataDir = tempDataDir('chot-enrol-');

    const enrolled = await chot('enroll', '--hub', hub.url, '--code', await hub.createCode('Cổng Nam'), '--data-dir', dataDir);
    expect(enrolled.code).toBe(0);
    expect(enrolled.stdout).toMatch(/device: +k-[0-9a-f]{16}/);
    expect(enrolled.stdout).toContain('location: Cổng Nam');
    expect(enrolled.stdout).toContain(`hub key:  ${key.keyId}`);

    const synced = await chot('sync', '--data-dir', dataDir);
    expect(synced.stderr).toBe('');
    expect(synced.code).toBe(0);
    expect(synced.stdout).toContain('applied snapshot at sequence 120: 120 people');
    expect(synced.stdout).toContain('applied delta to sequence 132: 12 people changed');
    expect(synced.stdout).toContain('data complete up to sequence 132');
    expect(synced.stdout).toMatch(/data age: under a minute/);
    expect(readdirSync(dataDir)).toEqual(expect.arrayContaining(['facts.sqlite', 'kiosk.sqlite', 'hub.json']));

    await hub.down();
    const offline = await chot('sync', '--data-dir', dataDir);
    expect(offline.code).toBe(1);
    expect(offline.stderr).toMatch(/cannot reach the hub.*\(unreachable\)/);
    expect(offline.stderr).toMatch(/keeps its data: sequence 132, data age under a minute/);
  });

  it('refuses what cannot work: not enrolled, missing options, a bad --hub-key', async () => {
    const dataDir = tempDataDir('chot-enrol-');
    expect(await chot('sync', '--data-dir', dataDir)).toMatchObject({ code: 1, stderr: expect.stringContaining('not enrolled with a hub') });
    expect(await chot('enroll', '--hub', 'http://127.0.0.1:9', '--data-dir', dataDir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--code') });
    expect(await chot('enroll', '--hub', 'http://127.0.0.1:9', '--code', 'X', '--hub-key', 'c2hvcnQ=')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('32-byte'),
    });
    expect(await chot('enroll', '--hub', 'ws://hub', '--code', 'X')).toMatchObject({ code: 2, stderr: expect.stringContaining('http') });
    expectNothingKept(dataDir);
  });
});
