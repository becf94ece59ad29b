import { describe, expect, it } from 'vitest';
import type { PassCredential } from '../../../../domain/credentials/credential.js';
import { STAFF_BADGE_ID12 } from '../../../../domain/credentials/pass/pass-codec.js';
import { parsePass } from '../../../../domain/credentials/pass/parse-pass.js';
import type { HubStaffEntry } from '../../../../domain/trust/staff-list.js';
import { issuePass } from '../../../../hub/passes/pass-issuer.js';
import { signTrustFile } from '../../../../hub/trust/trust-publisher.js';
import { saveHubConfig } from '../../../../main/hub-client/hub-config.js';
import { signInWithBadge } from '../../../../main/staff/staff-badge.js';
import { StaffPinStore } from '../../../../main/staff/staff-pin-store.js';
import { StaffSessions } from '../../../../main/staff/staff-sessions.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { TrustFileStore } from '../../../../main/trust/trust-file-store.js';
import type { Logger } from '../../../../platform/logging/logger.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { testHubKey } from '../../../support/sync-fixtures.js';
import { signingKeyOf } from '../sync/sync-harness.js';

const key = testHubKey();
const otherKey = testHubKey();
const hubKeys = hubKeyStoreFromKeys([key.publicKeyBase64]);
const NOW = Date.parse('2026-12-06T08:00:00Z');
const member = (id: string, name: string, scope?: HubStaffEntry['scope']): HubStaffEntry =>
  ({ id, name, addedAt: '2026-12-06T00:00:00.000Z', ...(scope === undefined ? {} : { scope }) }) as HubStaffEntry;

function kiosk(staff: readonly HubStaffEntry[]) {
  const dataDir = tempDataDir('chot-badge-');
  saveHubConfig(dataDir, { url: 'http://127.0.0.1:1', deviceId: 'k-1', location: 'Cổng A', enrolledAt: '2026-12-01T00:00:00.000Z' });
  const trust = new TrustFileStore(dataDir, hubKeys);
  const install = (version: number, list: readonly HubStaffEntry[]) =>
    trust.install(signTrustFile(signingKeyOf(key), { format: 'chot-trust/1', kind: 'staff', version, issuedAt: new Date(NOW).toISOString(), staff: list }));
  install(10, staff);
  const lines: string[] = [];
  const log = (message: string, fields?: object) => lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  const logger = { debug: log, info: log, warn: log, error: log, child: () => logger } as unknown as Logger;
  const sessions = new StaffSessions({ pins: new StaffPinStore(dataDir), now: () => NOW, logger });
  return { sessions, install, lines, logger };
}

function badge(staffId: string, options: { signer?: typeof key; issuedAt?: number; hours?: number } = {}): PassCredential & { staffId: string } {
  const text = issuePass(signingKeyOf(options.signer ?? key), {
    id12: STAFF_BADGE_ID12,
    staffId,
    now: options.issuedAt ?? NOW - 3_600_000,
    validForHours: options.hours ?? 12,
  });
  return parsePass(text, { now: NOW, hubKeys }) as PassCredential & { staffId: string };
}

describe('a staff badge at the kiosk', () => {
  it('a hub-signed, valid badge of a listed member opens their session; the log has codes, not the name', () => {
    const { sessions, lines, logger } = kiosk([member('lan', 'Nguyễn Thị Lan')]);
    expect(signInWithBadge(badge('lan'), sessions, logger)).toMatchObject({ ok: true, signedIn: { staff: 'Nguyễn Thị Lan' } });
    expect(sessions.identity()).toBe('Nguyễn Thị Lan');
    expect(lines.join('\n')).toContain('"method":"badge"');
    expect(lines.join('\n')).not.toContain('Lan');
  });

  it('refuses a badge signed by another key, an expired one, one not yet valid, each with its own reason, and opens nothing', () => {
    const { sessions, lines, logger } = kiosk([member('lan', 'Lan')]);
    expect(signInWithBadge(badge('lan', { signer: otherKey }), sessions, logger)).toMatchObject({ ok: false, refusal: { code: 'staff-badge.not-signed' } });
    expect(signInWithBadge(badge('lan', { issuedAt: NOW - 20 * 3_600_000 }), sessions, logger)).toMatchObject({
      ok: false,
      refusal: { code: 'staff-badge.expired' },
    });
    expect(signInWithBadge(badge('lan', { issuedAt: NOW + 3_600_000 }), sessions, logger)).toMatchObject({
      ok: false,
      refusal: { code: 'staff-badge.not-yet-valid' },
    });
    expect(sessions.identity()).toBeUndefined();
    expect(lines.filter((line) => line.startsWith('staff badge refused'))).toHaveLength(3);
  });

  it('refuses a badge of someone not in the installed list, or scoped to other kiosks; removing them at the hub revokes the badge', () => {
    const { sessions, install, logger } = kiosk([member('lan', 'Lan'), member('minh', 'Minh', { locations: ['Chợ Đầm'] })]);
    expect(signInWithBadge(badge('hoa'), sessions, logger)).toMatchObject({ ok: false, refusal: { code: 'staff-badge.not-staff' } });
    expect(signInWithBadge(badge('minh'), sessions, logger)).toMatchObject({ ok: false, refusal: { code: 'staff-badge.not-staff' } });
    expect(signInWithBadge(badge('lan'), sessions, logger)).toMatchObject({ ok: true });
    install(11, []);
    expect(sessions.identity()).toBeUndefined();
    expect(signInWithBadge(badge('lan'), sessions, logger)).toMatchObject({ ok: false, refusal: { code: 'staff-badge.not-staff' } });
  });
});
