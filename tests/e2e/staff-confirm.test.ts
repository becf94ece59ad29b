import type Database from 'better-sqlite3-multiple-ciphers';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCards } from '../../main/demo/demo-people.js';
import { EntryLog } from '../../main/store/entry-log.js';
import { connectKioskContract } from '../support/kiosk-contract.js';
import type { KioskProcess } from '../support/kiosk-process.js';
import { openKioskPage } from '../support/kiosk-page.js';
import { SocatPty } from '../support/socat-pty.js';
import { kioskLogRows, withKioskLog } from '../support/kiosk-log.js';

/**
 * The default gate policy, end to end: the BUILT kiosk in browser mode with Chromium on its
 * page and a CH340 relay (a socat pseudo-terminal) on the kiosk's lane. A green CCCD QR — a
 * card format with no signature — shows green but keeps the gate closed, saying why and what
 * staff do; a staff confirm logs its own entry and pulses the relay.
 */

const GREEN_NAME = 'Nguyễn Văn An';
const GREEN_ID = demoCards()
  .find((c) => c.label === GREEN_NAME)
  ?.qrText.slice(0, 12);
const CH340_OFF = 'a00100a1';
const CH340_ON = 'a00101a2';
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

let kiosk: KioskProcess;
let browser: Browser;
let page: Page;
let relay: SocatPty;

interface Row {
  seq: number;
  outcome: string;
  person_id: string | null;
  reasons: string;
  credential_kind: string;
  authenticity: string;
  lane: string;
  override_by: string | null;
  override_reason: string | null;
}

const withDb = <T>(read: (db: Database.Database) => T): T => withKioskLog(kiosk.dataDir, read);
const entries = (): Row[] => kioskLogRows<Row>(kiosk.dataDir);

/**
 * Gate pulses the kiosk has asked of the relay so far, from its status. They are asked in the
 * turn a verdict's entry commits, so once the verdict is on screen this is final for it —
 * unlike the bytes at the pty, which might still be on their way.
 */
async function pulsesAsked(): Promise<number> {
  const contract = await connectKioskContract(kiosk.url);
  try {
    const status = await contract.api.getKioskStatus();
    const report = status.devices?.find((device) => device.id === relay.path);
    if (report === undefined) throw new Error(`the kiosk reports no device ${relay.path}`);
    return report.pulses ?? 0;
  } finally {
    contract.close();
  }
}

/** Scans a demo card through the idle screen's demo buttons (the same submitScan as a wedge scan). */
async function scanGreenCard(): Promise<void> {
  await page.keyboard.press('Escape');
  await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 10_000 });
  await page.click(`#demo-cards button:text-is("${GREEN_NAME}")`);
  await page.waitForSelector('#verdict-screen[data-verdict="green"]', { state: 'visible', timeout: 2000 });
}

describe('staff confirm of an unsigned green, in browser mode, with a relay on the lane', () => {
  beforeAll(async () => {
    relay = await SocatPty.start({ name: 'relay' });
    ({ kiosk, browser, page } = await openKioskPage({ extraArgs: ['--device', `serial-relay=${relay.path},pulse=100`] }));
    // The relay is switched off when the kiosk opens it; from here on, only pulses.
    expect(hex(await relay.waitForReceived(4, 5000))).toBe(CH340_OFF);
    relay.clearReceived();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    await relay?.stop();
  });

  it('green CCCD → green with the “not verified” gate line and a Confirm button, no pulse → tap, who → confirmed, one pulse, logged', async () => {
    await scanGreenCard();
    const green = entries().at(-1);
    expect(green).toMatchObject({ outcome: 'green', credential_kind: 'cccd-qr', authenticity: 'unsigned', override_by: null });
    expect(JSON.parse(green?.reasons ?? '[]')).toContain('gate.not-verified');
    // Never colour alone: the gate line says the gate is closed, why, and what staff do.
    expect(await page.textContent('#verdict-gate')).toBe('Chưa xác thực — nhân viên xác nhận để mở cổng  ·  Not verified — staff confirm to open');
    expect(await page.getAttribute('#verdict-screen', 'data-gate')).toBe('awaits-confirm');
    expect(await page.isVisible('#confirm-open')).toBe(true);
    expect(await page.textContent('#confirm-open')).toContain('Nhân viên xác nhận');
    expect(await page.isVisible('#override-open')).toBe(false);
    // The relays were told in the same turn the entry committed: nothing was asked of this one.
    expect(await pulsesAsked()).toBe(0);
    expect(relay.received()).toHaveLength(0);

    await page.click('#confirm-open');
    // No "who" yet this session: asked once, no reason form.
    await page.waitForSelector('#confirm-screen', { state: 'visible' });
    expect(await page.textContent('#confirm-subject')).toContain(GREEN_NAME);
    await page.click('#confirm-submit');
    expect(await page.textContent('#confirm-error')).toContain('Nhập tên hoặc mã nhân viên');
    await page.fill('#confirm-by', 'NV-07 Lê Văn Tâm');
    await page.click('#confirm-submit');

    await page.waitForSelector('#verdict-screen[data-verdict="green"][data-confirm]', { state: 'visible', timeout: 2000 });
    expect(await page.textContent('#verdict-headline-vi')).toBe('ĐƯỢC VÀO — NHÂN VIÊN XÁC NHẬN');
    expect(await page.textContent('#verdict-headline-en')).toBe('Entry allowed — confirmed by staff');
    expect(await page.textContent('#verdict-name')).toBe(GREEN_NAME);
    expect(await page.textContent('#verdict-reasons')).toContain('NV-07 Lê Văn Tâm');
    expect(await page.textContent('#verdict-gate')).toContain('Mời vào');
    expect(await page.isVisible('#confirm-open')).toBe(false);
    expect(hex(await relay.waitForReceived(8, 3000))).toBe(CH340_ON + CH340_OFF);
    expect(await pulsesAsked()).toBe(1);

    const rows = entries();
    expect(rows).toHaveLength((green?.seq ?? 0) + 1);
    expect(rows.at(-1)).toMatchObject({
      outcome: 'green',
      person_id: GREEN_ID,
      credential_kind: 'cccd-qr',
      authenticity: 'unsigned',
      lane: green?.lane,
      override_by: 'NV-07 Lê Văn Tâm',
      override_reason: 'Nhân viên đã đối chiếu giấy tờ với người / Staff checked the card against the person',
    });
    expect(JSON.parse(rows.at(-1)?.reasons ?? '[]')).toEqual(['confirm', `confirms:${green?.seq}`]);
    expect(withDb((db) => new EntryLog(db).verify())).toMatchObject({ ok: true });
  });

  it('with who remembered for the session, F3 on the next unsigned green is one tap: confirmed and pulsed', async () => {
    relay.clearReceived();
    await scanGreenCard();
    const green = entries().at(-1);
    expect(await pulsesAsked()).toBe(1);
    expect(relay.received()).toHaveLength(0);
    await page.keyboard.press('F3');
    await page.waitForSelector('#verdict-screen[data-confirm]', { state: 'visible', timeout: 2000 });
    expect(hex(await relay.waitForReceived(8, 3000))).toBe(CH340_ON + CH340_OFF);
    expect(await pulsesAsked()).toBe(2);
    expect(entries().at(-1)).toMatchObject({ seq: (green?.seq ?? 0) + 1, override_by: 'NV-07 Lê Văn Tâm' });
  });
});
