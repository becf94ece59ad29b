import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SignedTrustFile } from '../../../../domain/trust/signed-trust-file.js';
import type { HubStaffEntry } from '../../../../domain/trust/staff-list.js';
import { signTrustFile } from '../../../../hub/trust/trust-publisher.js';
import { saveHubConfig } from '../../../../main/hub-client/hub-config.js';
import { HUB_STAFF_FILE } from '../../../../main/staff/hub-staff-list.js';
import { StaffPinStore, type ScryptCost } from '../../../../main/staff/staff-pin-store.js';
import { StaffSessions } from '../../../../main/staff/staff-sessions.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { TrustFileStore } from '../../../../main/trust/trust-file-store.js';
import { hashStaffPin } from '../../../../platform/staff-pin-hash.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { testHubKey } from '../../../support/sync-fixtures.js';
import { signingKeyOf } from '../sync/sync-harness.js';

const CHEAP: ScryptCost = { N: 1024, r: 8, p: 1, keyLength: 32 };
const key = testHubKey();
const otherKey = testHubKey();

async function member(id: string, name: string, pin?: string, scope?: HubStaffEntry['scope']): Promise<HubStaffEntry> {
  return {
    id,
    name,
    addedAt: '2026-12-06T08:00:00.000Z',
    ...(pin === undefined ? {} : await hashStaffPin(pin, CHEAP)),
    ...(scope === undefined ? {} : { scope }),
  } as HubStaffEntry;
}

function staffFile(version: number, staff: readonly HubStaffEntry[], signer = key): SignedTrustFile<'staff'> {
  return signTrustFile(signingKeyOf(signer), { format: 'chot-trust/1', kind: 'staff', version, issuedAt: new Date(version * 1000).toISOString(), staff });
}

function kiosk(): { dataDir: string; trust: TrustFileStore; pins: StaffPinStore } {
  const dataDir = tempDataDir('chot-hub-staff-');
  saveHubConfig(dataDir, { url: 'http://127.0.0.1:1', deviceId: 'k-1', location: 'Cổng A', enrolledAt: '2026-12-01T00:00:00.000Z' });
  return { dataDir, trust: new TrustFileStore(dataDir, hubKeyStoreFromKeys([key.publicKeyBase64])), pins: new StaffPinStore(dataDir, CHEAP) };
}

describe('the hub staff list on a kiosk', () => {
  it('a list signed by the pinned hub key installs beside the local list, and its PINs sign in', async () => {
    const { dataDir, trust, pins } = kiosk();
    expect(trust.install(staffFile(10, [await member('lan', 'Lan', '135790')]))).toMatchObject({
      ok: true,
      kind: 'staff',
      version: 10,
      file: join(dataDir, HUB_STAFF_FILE),
    });
    expect(pins.entries()).toEqual([]);
    expect(await pins.findMember('135790')).toMatchObject({ name: 'Lan', source: 'hub', staffId: 'lan' });
    const sessions = new StaffSessions({ pins });
    expect(sessions.pinsConfigured()).toBe(true);
    expect(await sessions.signIn('135790')).toMatchObject({ ok: true, staff: 'Lan' });
  });

  it('a forged or an older list is refused and the last good set kept', async () => {
    const { trust, pins } = kiosk();
    trust.install(staffFile(10, [await member('lan', 'Lan', '135790')]));
    const forged = staffFile(11, [await member('mallory', 'Mallory', '000000')], otherKey);
    expect(trust.install(forged)).toMatchObject({ ok: false, error: { code: 'trust.unknown-key' } });
    const tampered = { ...staffFile(11, [await member('lan', 'Lan', '135790')]), staff: [await member('mallory', 'Mallory', '000000')] };
    expect(trust.install(tampered)).toMatchObject({ ok: false, error: { code: 'trust.signature-invalid' } });
    expect(trust.install(staffFile(9, []))).toMatchObject({ ok: false, error: { code: 'trust.rollback' } });
    expect(pins.members().map((m) => m.staffId)).toEqual(['lan']);
    expect(await pins.findMember('000000')).toBeUndefined();
  });

  it('only members whose scope includes this kiosk (device id or location) count', async () => {
    const { trust, pins } = kiosk();
    trust.install(
      staffFile(10, [
        await member('here-by-id', 'A', undefined, { kiosks: ['k-1'] }),
        await member('here-by-place', 'B', undefined, { locations: ['Cổng A'] }),
        await member('elsewhere', 'C', '246802', { kiosks: ['k-2'], locations: ['Chợ'] }),
        await member('everywhere', 'D'),
      ]),
    );
    expect(pins.members().map((m) => m.staffId)).toEqual(['here-by-id', 'here-by-place', 'everywhere']);
    expect(await pins.findMember('246802')).toBeUndefined();
  });

  it('a name in both lists: the local entry wins, the hub’s PIN for that name does not sign in', async () => {
    const { trust, pins } = kiosk();
    await pins.add('Lan', '111111');
    trust.install(staffFile(10, [await member('lan', 'Lan', '222222'), await member('minh', 'Minh', '333333')]));
    expect(pins.members().map((m) => `${m.source}:${m.name}`)).toEqual(['local:Lan', 'hub:Minh']);
    expect(await pins.findMember('111111')).toMatchObject({ source: 'local', name: 'Lan' });
    expect(await pins.findMember('222222')).toBeUndefined();
    // The local list's file is never touched by the sync.
    expect(JSON.parse(readFileSync(pins.file, 'utf8'))).toMatchObject({ source: 'local', staff: [{ name: 'Lan' }] });
  });

  it('a hub list removing a person ends their open session; a local session stays', async () => {
    const { trust, pins } = kiosk();
    await pins.add('Hoa', '444444');
    trust.install(staffFile(10, [await member('lan', 'Lan', '135790')]));
    const sessions = new StaffSessions({ pins });
    await sessions.signIn('135790');
    expect(sessions.identity()).toBe('Lan');
    trust.install(staffFile(11, []));
    expect(sessions.identity()).toBeUndefined();
    expect(sessions.state().signedIn).toBeUndefined();
    await sessions.signIn('444444');
    trust.install(staffFile(12, []));
    expect(sessions.identity()).toBe('Hoa');
  });

  it('an installed hub list that cannot be read closes staff actions instead of opening them', () => {
    const { dataDir, pins } = kiosk();
    writeFileSync(join(dataDir, HUB_STAFF_FILE), '{"staff": "everyone"}');
    expect(() => pins.members()).toThrow(/staff is not a list/);
    expect(new StaffSessions({ pins }).pinsConfigured()).toBe(true);
  });
});
