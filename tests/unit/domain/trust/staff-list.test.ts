import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySignedTrustFile } from '../../../../domain/trust/signed-trust-file.js';
import { staffListProblem, staffScopeIncludes, type HubStaffEntry } from '../../../../domain/trust/staff-list.js';
import { hubSigningKeyFrom } from '../../../../hub/keys/hub-signing-key.js';
import { signTrustFile } from '../../../../hub/trust/trust-publisher.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';

const hubKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const pinned = hubKeyStoreFromKeys([Buffer.from(hubKey.publicKeyRaw).toString('base64')]);
const pinHash = { kdf: { alg: 'scrypt', N: 1024, r: 8, p: 1, keyLength: 32 }, salt: 'c2FsdA==', hash: 'aGFzaA==' } as const;
const lan: HubStaffEntry = { id: 'lan-01', name: 'Nguyễn Thị Lan', addedAt: '2026-12-06T08:00:00.000Z', ...pinHash };
const minh: HubStaffEntry = { id: 'minh', name: 'Minh', addedAt: '2026-12-06T08:00:00.000Z', scope: { kiosks: ['k-7'], locations: ['Cổng A'] } };

function signedStaff(staff: readonly unknown[]) {
  return signTrustFile(hubKey, { format: 'chot-trust/1', kind: 'staff', version: 5, issuedAt: '2026-12-06T08:00:00.000Z', staff } as never);
}

describe('the staff trust file', () => {
  it('a hub-signed staff list with PIN hashes, a badge-only member and a scope verifies', () => {
    const document = signedStaff([lan, minh]);
    expect(verifySignedTrustFile(document, pinned)).toEqual({ ok: true, file: document });
  });

  it('refuses, after the signature, what a kiosk must not take: each problem named without a name', () => {
    const cases: [unknown[], RegExp][] = [
      [[{ ...lan, id: 'bad id with spaces' }], /staff 0: id is not/],
      [[lan, { ...minh, id: 'lan-01' }], /id lan-01 twice/],
      [[{ ...lan, name: '' }], /staff lan-01: name is not/],
      [[{ ...lan, name: 'x'.repeat(61) }], /name is not/],
      [[{ ...lan, name: 'Lan\u202e' }], /name is not/],
      [[{ ...lan, hash: undefined }], /part of a PIN hash/],
      [[{ ...lan, kdf: { ...pinHash.kdf, alg: 'md5' } }], /kdf is not scrypt/],
      [[{ ...lan, kdf: { ...pinHash.kdf, N: 2 ** 24 } }], /beyond the kiosk’s limits/],
      [[{ ...minh, scope: { kiosks: 'k-7' } }], /scope.kiosks is not a list/],
      [[{ ...lan, addedAt: 'soon' }], /addedAt is not a time/],
    ];
    for (const [staff, problem] of cases) {
      const verified = verifySignedTrustFile(signedStaff(staff), pinned);
      expect(verified).toMatchObject({ ok: false, error: { code: 'trust.bad-content' } });
      if (!verified.ok) {
        expect(verified.error.detail).toMatch(problem);
        expect(verified.error.detail).not.toContain('Lan');
      }
    }
    expect(staffListProblem({ staff: 'everyone' })).toBe('staff is not a list');
  });

  it('a scope includes a kiosk by its device id or its location; no scope, every kiosk', () => {
    expect(staffScopeIncludes(lan, {})).toBe(true);
    expect(staffScopeIncludes(minh, { deviceId: 'k-7', location: 'Chợ' })).toBe(true);
    expect(staffScopeIncludes(minh, { deviceId: 'k-9', location: 'Cổng A' })).toBe(true);
    expect(staffScopeIncludes(minh, { deviceId: 'k-9', location: 'Chợ' })).toBe(false);
    expect(staffScopeIncludes(minh, {})).toBe(false);
  });
});
