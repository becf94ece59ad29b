import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScanEvent } from '../../../../domain/scan/scan-event.js';
import { hubSigningKeyFrom } from '../../../../hub/keys/hub-signing-key.js';
import { issuePass } from '../../../../hub/passes/pass-issuer.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { HUB_KEYS_FILE } from '../../../../main/trust/kiosk-trust.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const hubKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const cores: KioskCore[] = [];
afterEach(() => {
  for (const core of cores.splice(0)) core.close();
});

function kiosk(): KioskCore {
  const dataDir = tempDataDir('chot-named-pass-');
  mkdirSync(join(dataDir, 'trust'), { recursive: true });
  writeFileSync(join(dataDir, HUB_KEYS_FILE), JSON.stringify([Buffer.from(hubKey.publicKeyRaw).toString('base64')]));
  const core = KioskCore.open({ dataDir, demo: true });
  cores.push(core);
  return core;
}

const serial = (text: string): ScanEvent => ({ source: { kind: 'serial', deviceId: '/dev/ttyACM0' }, text, at: new Date().toISOString() });
const LANE = { lane: '1', direction: 'in' } as const;

describe('a printed status pass at the kiosk', () => {
  it('with the holder’s name and birth year: the verdict shows them beside the ID’s last digits for staff to match', async () => {
    // The demo person Nguyễn Văn An (2 doses): green from the kiosk's own facts.
    const text = issuePass(hubKey, { id12: '056089001234', now: Date.now() - 60_000, validForHours: 24, holder: { name: 'Nguyễn Văn An', birthYear: 1989 } });
    const verdict = await kiosk().submitDeviceScan(serial(text), LANE);
    expect(verdict).toMatchObject({
      outcome: 'green',
      credentialKind: 'pass',
      authenticity: 'signed-valid',
      subject: { name: 'Nguyễn Văn An', birthYear: 1989, idTail: '1234' },
    });
  });

  it('expired: no colour, and the reason says on which day and to show the ID card instead', async () => {
    const issuedAt = Date.parse('2021-10-01T09:00:00+07:00');
    const text = issuePass(hubKey, { id12: '056089001234', now: issuedAt, validForHours: 24 * 14, holder: { name: 'Nguyễn Văn An' } });
    const verdict = await kiosk().submitDeviceScan(serial(text), LANE);
    expect(verdict.outcome).toBe('none');
    expect(verdict.reasons).toContainEqual({
      code: 'pass.expired',
      vi: 'Thẻ hết hạn ngày 15/10/2021 — mời dùng CCCD',
      en: 'Pass expired on 15/10/2021 — please show your ID card',
    });
    // Who it names is still shown: staff may compare, then ask for the ID card.
    expect(verdict.subject).toMatchObject({ name: 'Nguyễn Văn An', idTail: '1234' });
  });
});
