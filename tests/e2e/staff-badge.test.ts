import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_BADGE_ID12 } from '../../domain/credentials/pass/pass-codec.js';
import { hubSigningKeyFrom } from '../../hub/keys/hub-signing-key.js';
import { issuePass } from '../../hub/passes/pass-issuer.js';
import { signTrustFile } from '../../hub/trust/trust-publisher.js';
import { hubKeyStoreFromKeys } from '../../main/trust/hub-key-store.js';
import { HUB_KEYS_FILE } from '../../main/trust/kiosk-trust.js';
import { TrustFileStore } from '../../main/trust/trust-file-store.js';
import { connectKioskContract } from '../support/kiosk-contract.js';
import { kioskLogRows } from '../support/kiosk-log.js';
import { openKioskPage, scanDemoCard, type KioskPage } from '../support/kiosk-page.js';
import { tempDataDir } from '../support/kiosk-process.js';
import { typeAsWedge } from '../support/wedge-keys.js';

/**
 * A staff badge typed in by the keyboard-wedge scanner: the kiosk holds the hub's signed
 * staff list (as a sync installs it) and the hub's key; the badge opens a staff session, the
 * screen says who, and the override that follows names that staff member. The same kiosk
 * (it trusts the hub's key) then reads passes for people: an expired one, a named one.
 */
const hubKey = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const publicKey = Buffer.from(hubKey.publicKeyRaw).toString('base64');
let opened: KioskPage;
let page: Page;

interface Row {
  outcome: string;
  reasons: string;
  override_by: string | null;
}

beforeAll(async () => {
  const dataDir = tempDataDir('chot-e2e-badge-');
  mkdirSync(join(dataDir, 'trust'), { recursive: true });
  writeFileSync(join(dataDir, HUB_KEYS_FILE), JSON.stringify([publicKey]));
  const installed = new TrustFileStore(dataDir, hubKeyStoreFromKeys([publicKey])).install(
    signTrustFile(hubKey, {
      format: 'chot-trust/1',
      kind: 'staff',
      version: 1,
      issuedAt: new Date().toISOString(),
      staff: [{ id: 'lan-01', name: 'Nguyễn Thị Lan', addedAt: new Date().toISOString() }],
    }),
  );
  expect(installed).toMatchObject({ ok: true });
  opened = await openKioskPage({ dataDir, extraArgs: ['--repeat-window', '0'] });
  page = opened.page;
});

afterAll(async () => {
  await opened?.close();
});

describe('a staff badge scanned by the wedge', () => {
  it('a badge of someone not on the list is a logged no-colour verdict with its reason, and opens no session', async () => {
    const badge = issuePass(hubKey, { id12: STAFF_BADGE_ID12, staffId: 'hoa', now: Date.now(), validForHours: 12 });
    await typeAsWedge(page, badge);
    await page.waitForSelector('#verdict-screen[data-verdict="none"]', { state: 'visible', timeout: 10_000 });
    expect(await page.textContent('#verdict-screen')).toContain('not on this kiosk’s staff list');
    const last = kioskLogRows<Row>(opened.kiosk.dataDir).at(-1);
    expect(last).toMatchObject({ outcome: 'none' });
    expect(JSON.parse(last?.reasons ?? '[]')).toEqual(['staff-badge.not-staff']);
    const contract = await connectKioskContract(opened.kiosk.url);
    expect(await contract.api.getStaffSession()).toEqual({ pinsConfigured: true });
    contract.close();
    await page.keyboard.press('Escape');
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });
  });

  it('opens the staff session, shows who, logs no entry; the override that follows names that staff member', async () => {
    const before = kioskLogRows<Row>(opened.kiosk.dataDir).length;
    const badge = issuePass(hubKey, { id12: STAFF_BADGE_ID12, staffId: 'lan-01', now: Date.now(), validForHours: 12 });
    await typeAsWedge(page, badge);
    await page.waitForSelector('#verdict-screen[data-verdict="none"]', { state: 'visible', timeout: 10_000 });
    expect(await page.textContent('#verdict-screen')).toContain('Staff signed in');
    expect(await page.textContent('#verdict-screen')).toContain('Nguyễn Thị Lan');
    await page.waitForFunction(() => document.getElementById('staff-line')?.dataset.state === 'signed-in', undefined, { timeout: 10_000 });
    expect(await page.textContent('#staff-line')).toContain('Nguyễn Thị Lan');
    expect(kioskLogRows<Row>(opened.kiosk.dataDir)).toHaveLength(before);
    await page.keyboard.press('Escape');

    expect(await scanDemoCard(page, 'Hoàng Văn Giang')).toBe('none');
    await page.click('#override-open');
    await page.waitForSelector('#override-screen', { state: 'visible', timeout: 10_000 });
    await page.check('input[name="override-reason"][value="papers-checked"]');
    await page.click('#override-confirm');
    await page.waitForSelector('#verdict-screen[data-verdict="green"][data-override]', { state: 'visible', timeout: 10_000 });
    expect(kioskLogRows<Row>(opened.kiosk.dataDir).at(-1)).toMatchObject({ outcome: 'green', override_by: 'Nguyễn Thị Lan' });
  });

  it('an expired status pass is a no-colour verdict the signed-in staff member can override, with a reason', async () => {
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 15_000 });
    // A pass the hub issued two days ago for a day: signed, the person known, but out of date.
    const expired = issuePass(hubKey, { id12: '056089001234', now: Date.now() - 2 * 86_400_000, validForHours: 24 });
    await typeAsWedge(page, expired);
    await page.waitForSelector('#verdict-screen[data-verdict="none"]', { state: 'visible', timeout: 10_000 });
    expect(await page.textContent('#verdict-screen')).toMatch(/Pass expired on \d{2}\/\d{2}\/\d{4} — please show your ID card/);
    expect(JSON.parse(kioskLogRows<Row>(opened.kiosk.dataDir).at(-1)?.reasons ?? '[]')).toContain('pass.expired');
    await page.click('#override-open');
    await page.waitForSelector('#override-screen', { state: 'visible', timeout: 10_000 });
    await page.check('input[name="override-reason"][value="papers-checked"]');
    await page.click('#override-confirm');
    await page.waitForSelector('#verdict-screen[data-verdict="green"][data-override]', { state: 'visible', timeout: 10_000 });
    expect(kioskLogRows<Row>(opened.kiosk.dataDir).at(-1)).toMatchObject({ outcome: 'green', override_by: 'Nguyễn Thị Lan' });
  });
});

describe('a printed status pass with its holder’s name, scanned by the wedge', () => {
  it('the verdict shows the signed name and year of birth beside the ID’s last digits, for staff to match', async () => {
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 15_000 });
    const pass = issuePass(hubKey, { id12: '056089001234', now: Date.now() - 60_000, validForHours: 24, holder: { name: 'Nguyễn Văn An', birthYear: 1989 } });
    await typeAsWedge(page, pass);
    await page.waitForSelector('#verdict-screen[data-verdict="green"]', { state: 'visible', timeout: 10_000 });
    expect(await page.textContent('#verdict-name')).toBe('Nguyễn Văn An');
    expect(await page.textContent('#verdict-details')).toBe('Năm sinh / Born 1989  ·  CCCD ••••1234');
  });
});
