import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STAFF_BADGE_ID12 } from '../../../../domain/credentials/pass/pass-codec.js';
import type { ScanEvent } from '../../../../domain/scan/scan-event.js';
import { hubSigningKeyFrom, type HubSigningKey } from '../../../../hub/keys/hub-signing-key.js';
import { issuePass } from '../../../../hub/passes/pass-issuer.js';
import { signTrustFile } from '../../../../hub/trust/trust-publisher.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import type { DecidedVerdict } from '../../../../main/core/kiosk-event-hub.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { HUB_KEYS_FILE } from '../../../../main/trust/kiosk-trust.js';
import { TrustFileStore } from '../../../../main/trust/trust-file-store.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const hubKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const otherKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const publicKey = Buffer.from(hubKey.publicKeyRaw).toString('base64');
const cores: KioskCore[] = [];
afterEach(() => {
  for (const core of cores.splice(0)) core.close();
});

function kiosk(): KioskCore {
  const dataDir = tempDataDir('chot-badge-core-');
  mkdirSync(join(dataDir, 'trust'), { recursive: true });
  writeFileSync(join(dataDir, HUB_KEYS_FILE), JSON.stringify([publicKey]));
  new TrustFileStore(dataDir, hubKeyStoreFromKeys([publicKey])).install(
    signTrustFile(hubKey, {
      format: 'chot-trust/1',
      kind: 'staff',
      version: 1,
      issuedAt: new Date().toISOString(),
      staff: [{ id: 'lan', name: 'Lan', addedAt: new Date().toISOString() }],
    }),
  );
  const core = KioskCore.open({ dataDir, demo: true });
  cores.push(core);
  return core;
}

const badge = (staffId: string, options: { key?: HubSigningKey; issuedAtMs?: number; hours?: number } = {}): string =>
  issuePass(options.key ?? hubKey, { id12: STAFF_BADGE_ID12, staffId, now: options.issuedAtMs ?? Date.now() - 60_000, validForHours: options.hours ?? 12 });
const serial = (text: string): ScanEvent => ({ source: { kind: 'serial', deviceId: '/dev/ttyACM0' }, text, at: new Date().toISOString() });

describe('a staff badge through the kiosk core', () => {
  it('from a serial scanner: opens the session, logs no entry, opens no gate', async () => {
    const core = kiosk();
    const heard: DecidedVerdict[] = [];
    core.onVerdict((decided) => heard.push(decided));
    const verdict = await core.submitDeviceScan(serial(badge('lan')), { lane: '1', direction: 'in' });
    expect(verdict).toMatchObject({ outcome: 'none', staffSignIn: { staff: 'Lan' }, gate: { open: false }, entrySeq: 0 });
    expect(heard.map((d) => d.verdict.gate.open)).toEqual([false]);
    expect((await core.getTodayStats()).total).toBe(0);
    expect(await core.getStaffSession()).toMatchObject({ signedIn: { staff: 'Lan' } });
  });

  it('each failed check is a logged no-colour verdict with its own reason, from the page’s inputs too', async () => {
    const core = kiosk();
    const cases: [string, string][] = [
      [badge('lan', { key: otherKey }), 'staff-badge.not-signed'],
      [badge('lan', { issuedAtMs: Date.now() - 20 * 3_600_000 }), 'staff-badge.expired'],
      [badge('lan', { issuedAtMs: Date.now() + 3_600_000 }), 'staff-badge.not-yet-valid'],
      [badge('minh'), 'staff-badge.not-staff'],
    ];
    for (const [text, code] of cases) {
      const verdict = await core.submitScan({ source: { kind: 'camera', deviceId: 'camera' }, text });
      expect(verdict).toMatchObject({ outcome: 'none', gate: { open: false }, reasons: [{ code }] });
      expect(verdict.entrySeq).toBeGreaterThan(0);
      expect(verdict.staffSignIn).toBeUndefined();
    }
    expect((await core.getTodayStats()).total).toBe(4);
    expect((await core.getStaffSession()).signedIn).toBeUndefined();
  });
});
