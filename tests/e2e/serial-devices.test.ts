import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCards } from '../../main/demo/demo-people.js';
import { tempDataDir, type KioskProcess } from '../support/kiosk-process.js';
import { openKioskPage } from '../support/kiosk-page.js';
import { runChot } from '../support/run-chot.js';
import { SocatPty } from '../support/socat-pty.js';

/**
 * Serial scanners and gate relays end to end: the BUILT kiosk in browser mode, Chromium on its page,
 * and socat pseudo-terminals standing in for a serial scanner and for gate relays (a CH340
 * board on lane 1, a Modbus RTU board on lane 2). Every scan goes through the real serial
 * driver, the core (decided and logged), the relay driver and the pushed verdict event.
 */

const card = (name: string): string => {
  const found = demoCards().find((c) => c.label === name);
  if (found === undefined) throw new Error(`no demo card ${name}`);
  return found.qrText;
};
const GREEN_NAME = 'Nguyễn Văn An';
const GREEN = card(GREEN_NAME);
const RED = card('Phạm Minh Đức');

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const CH340_OFF = 'a00100a1';
const CH340_ON = 'a00101a2';
// Modbus RTU, unit 1, write single coil 0: FF00 on, 0000 off, CRC16 low byte first.
const MODBUS_OFF = '010500000000cdca';
const MODBUS_ON = '01050000ff008c3a';

let kiosk: KioskProcess;
let browser: Browser;
let page: Page;
let scanner: SocatPty;
let scanner2: SocatPty;
let relay: SocatPty;
let modbus: SocatPty;

/** The verdict screen, cleared, so the next pushed verdict is the one waited for. */
async function backToIdle(): Promise<void> {
  await page.evaluate(() => {
    document.getElementById('verdict-screen')?.removeAttribute('data-verdict');
    const app = document.getElementById('app');
    if (app) app.dataset.screen = 'idle';
  });
}

async function verdictAfter(write: () => Promise<void>, timeoutMs = 2000): Promise<{ outcome: string; name: string }> {
  await backToIdle();
  await write();
  await page.waitForSelector('#verdict-screen[data-verdict]', { state: 'visible', timeout: timeoutMs });
  return { outcome: (await page.getAttribute('#verdict-screen', 'data-verdict')) ?? '', name: (await page.textContent('#verdict-name')) ?? '' };
}

function entries(): { outcome: string; lane: string; source_kind: string; source_device_id: string }[] {
  const db = new Database(join(kiosk.dataDir, 'kiosk.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT outcome, lane, source_kind, source_device_id FROM entry ORDER BY seq').all() as never;
  } finally {
    db.close();
  }
}

describe('serial scanner and relays in the running kiosk (socat ptys)', () => {
  beforeAll(async () => {
    scanner = await SocatPty.start({ name: 'scanner' });
    scanner2 = await SocatPty.start({ name: 'scanner2' });
    relay = await SocatPty.start({ name: 'relay' });
    modbus = await SocatPty.start({ name: 'modbus' });
    // Both lanes are manned and opted in to open on an unsigned green (the demo CCCD QR) without a
    // staff confirm; the default (the gate waits for staff) is tests/e2e/staff-confirm.test.ts's.
    const dataDir = tempDataDir();
    const manned = { open: ['green'], openFor: ['signed-valid', 'chip-verified', 'unsigned'] };
    writeFileSync(join(dataDir, 'devices.json'), JSON.stringify({ gates: { '1': manned, '2': manned } }));
    ({ kiosk, browser, page } = await openKioskPage({
      dataDir,
      extraArgs: [
        // The same demo card stands for one person after another here: every read is an entry.
        '--repeat-window',
        '0',
        '--device',
        `serial-scanner=${scanner.path}:9600`,
        '--device',
        `serial-scanner=${scanner2.path},lane=2,direction=out`,
        '--device',
        `serial-relay=${relay.path},pulse=200`,
        '--device',
        `modbus-relay=${modbus.path},lane=2,pulse=200`,
      ],
    }));
    // Every relay is switched off when the kiosk opens it.
    expect(hex(await relay.waitForReceived(4, 5000))).toBe(CH340_OFF);
    expect(hex(await modbus.waitForReceived(8, 5000))).toBe(MODBUS_OFF);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    for (const pty of [scanner, scanner2, relay, modbus]) await pty?.stop();
  });

  it('a: a CCCD QR with diacritics + CR: the page shows green and the name as printed; the relay gets exactly one pulse', async () => {
    relay.clearReceived();
    const shown = await verdictAfter(() => scanner.write(Buffer.from(`${GREEN}\r`, 'utf8')));
    expect(shown).toEqual({ outcome: 'green', name: GREEN_NAME });
    expect(await page.textContent('#verdict-gate')).toContain('Mời vào');
    expect(hex(await relay.waitForReceived(8, 2000))).toBe(CH340_ON + CH340_OFF);
    expect(entries().at(-1)).toEqual({ outcome: 'green', lane: '1', source_kind: 'serial', source_device_id: scanner.path });
  });

  it('a: red shows red and pulses nothing (the next green’s pulse is the only thing the relay receives)', async () => {
    relay.clearReceived();
    const red = await verdictAfter(() => scanner.write(`${RED}\r`));
    expect(red).toEqual({ outcome: 'red', name: 'Phạm Minh Đức' });
    expect(await page.textContent('#verdict-gate')).toContain('Cổng đóng');
    // Had red pulsed, its frames would come before the green's.
    expect((await verdictAfter(() => scanner.write(`${GREEN}\r`))).outcome).toBe('green');
    expect(hex(await relay.waitForReceived(8, 2000))).toBe(CH340_ON + CH340_OFF);
  });

  it('a: a Modbus RTU relay on lane 2 gets one coil pulse, byte for byte, for the lane-2 scanner’s green; lane 1’s relay nothing', async () => {
    relay.clearReceived();
    modbus.clearReceived();
    expect(await verdictAfter(() => scanner2.write(`${GREEN}\r\n`))).toEqual({ outcome: 'green', name: GREEN_NAME });
    expect(hex(await modbus.waitForReceived(16, 2000))).toBe(MODBUS_ON + MODBUS_OFF);
    expect(entries().at(-1)).toMatchObject({ lane: '2', source_device_id: scanner2.path });
    // The lane-1 relay: a green on lane 1 now is its first and only pulse.
    expect((await verdictAfter(() => scanner.write(`${GREEN}\r`))).outcome).toBe('green');
    expect(hex(await relay.waitForReceived(8, 2000))).toBe(CH340_ON + CH340_OFF);
  });

  it('b: socat killed → a device fault on screen within 2 s; socat back → scanning again within 5 s, same kiosk', async () => {
    await backToIdle();
    const killedAt = Date.now();
    await scanner.kill('SIGKILL');
    await page.waitForSelector('#device-line', { state: 'visible', timeout: 2000 });
    const faultMs = Date.now() - killedAt;
    expect(await page.textContent('#device-line-vi')).toBe(`Máy quét ${scanner.path} bị rút ra`);
    expect(await page.textContent('#device-line-en')).toBe(`Scanner ${scanner.path} unplugged`);
    expect(await page.textContent('#device-line-glyph')).toBe('⚠');

    const restartedAt = Date.now();
    await scanner.restart();
    await page.waitForSelector('#device-line', { state: 'hidden', timeout: 5000 });
    const shown = await verdictAfter(() => scanner.write(`${GREEN}\r`), 5000 - (Date.now() - restartedAt));
    const resumeMs = Date.now() - restartedAt;
    expect(shown.outcome).toBe('green');
    expect(resumeMs).toBeLessThan(5000);
    process.stderr.write(`serial-devices: fault shown ${faultMs} ms after socat was killed; a scan gave its verdict ${resumeMs} ms after socat came back\n`);
  }, 20_000);

  it('c: 1 MB of random bytes: no crash, no stall, at most one "cannot read" per framed chunk, then a good scan gives its verdict', async () => {
    await backToIdle();
    const before = entries().length;
    await page.evaluate(() => {
      const seen = { none: 0 };
      (window as unknown as { noneShown: typeof seen }).noneShown = seen;
      const screen = document.getElementById('verdict-screen');
      if (screen === null) return;
      new MutationObserver((records) => {
        for (const record of records) if ((record.target as HTMLElement).dataset.verdict === 'none') seen.none += 1;
      }).observe(screen, { attributes: true, attributeFilter: ['data-verdict'] });
    });
    const noise = randomBytes(1024 * 1024);
    // The frames the noise holds: what ends a scan (any line ending) splits it; empty ones are skipped.
    const frames = noise
      .toString('latin1')
      .split(/\r\n|\r|\n/)
      .filter((frame) => frame !== '').length;
    const startedAt = Date.now();
    // The CR ends the noise's last half frame, as a scanner's next code would follow it.
    await scanner.write(Buffer.concat([noise, Buffer.from('\r')]));
    await scanner.write(`${GREEN}\r`);
    await page.waitForFunction(
      () => document.getElementById('verdict-screen')?.dataset.verdict === 'green' && (document.getElementById('verdict-name')?.textContent ?? '') !== '',
      undefined,
      { timeout: 10_000 },
    );
    const verdictMs = Date.now() - startedAt;
    expect(await page.textContent('#verdict-name')).toBe(GREEN_NAME);
    expect(kiosk.child.exitCode).toBeNull();
    const logged = entries().slice(before);
    const unreadable = logged.filter((entry) => entry.outcome === 'none').length;
    const shownNone = await page.evaluate(() => (window as unknown as { noneShown: { none: number } }).noneShown.none);
    expect(unreadable).toBeLessThanOrEqual(frames);
    expect(shownNone).toBeLessThanOrEqual(unreadable);
    expect(logged.at(-1)?.outcome).toBe('green');
    // Not stalled: the core's server still answers at once.
    const callAt = Date.now();
    expect((await fetch(new URL('/index.html', kiosk.url))).status).toBe(200);
    expect(Date.now() - callAt).toBeLessThan(1000);
    process.stderr.write(
      `serial-devices: 1 MB of noise (${frames} framed chunks) → ${unreadable} logged "cannot read", ${shownNone} shown; the good scan after it was on screen ${verdictMs} ms after the noise began\n`,
    );
  }, 30_000);

  it('F4 diagnostics show each live device: ready in words, the scanner’s last scan, the fault after socat is killed; Esc back to idle', async () => {
    const before = Date.now();
    expect((await verdictAfter(() => scanner.write(`${GREEN}\r`))).outcome).toBe('green');
    const after = Date.now();
    await page.keyboard.press('F4');
    await page.waitForSelector('#diagnostics-screen', { state: 'visible', timeout: 5000 });
    const item = (path: string) => page.locator('#diag-devices li.diag-device', { has: page.locator('.diag-device-id', { hasText: path }) });
    await page.waitForFunction(() => document.querySelectorAll('#diag-devices li.diag-device').length === 4, undefined, { timeout: 5000 });
    for (const [pty, kind] of [
      [scanner, 'serial-scanner'],
      [scanner2, 'serial-scanner'],
      [relay, 'serial-relay'],
      [modbus, 'modbus-relay'],
    ] as const) {
      const device = item(pty.path);
      expect(await device.getAttribute('data-state')).toBe('ready');
      expect(await device.locator('.diag-device-state').textContent()).toBe('Sẵn sàng · Ready');
      expect(await device.locator('.diag-device-kind').textContent()).toBe(kind);
      // A pty has no USB ids: no profile can be matched, and the screen says so.
      expect(await device.locator('.diag-device-profile').textContent()).toBe('hồ sơ: không rõ · profile: unknown');
    }
    const last = (await item(scanner.path).locator('.diag-device-last').textContent()) ?? '';
    expect(last).toMatch(/^quét lần cuối · last scan /);
    const lastAt = Date.parse(last.replace(/^.* last scan /, ''));
    expect(lastAt).toBeGreaterThanOrEqual(before - 5);
    expect(lastAt).toBeLessThanOrEqual(after);
    expect(await item(relay.path).locator('.diag-device-last').textContent()).toBe('chưa quét · no scan yet');

    await scanner.kill('SIGKILL');
    // The screen refreshes every 2 s; the driver notices the loss within 2 s.
    await page.waitForSelector(`#diag-devices li.diag-device[data-state="fault"]`, { state: 'visible', timeout: 6000 });
    const faulted = item(scanner.path);
    expect(await faulted.getAttribute('data-state')).toBe('fault');
    expect(await faulted.locator('.diag-device-state').textContent()).toBe('Lỗi · Fault');
    expect(await faulted.locator('.diag-device-fault').textContent()).toMatch(/^đã rút cáp · unplugged: /);
    // Only that scanner: the others stay ready.
    expect(await page.locator('#diag-devices li.diag-device[data-state="ready"]').count()).toBe(3);

    await scanner.restart();
    await page.waitForFunction(() => document.querySelectorAll('#diag-devices li.diag-device[data-state="ready"]').length === 4, undefined, { timeout: 8000 });
    expect(await item(scanner.path).locator('.diag-device-fault').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#idle-screen', { state: 'visible', timeout: 2000 });
    expect(await page.getAttribute('#app', 'data-screen')).toBe('idle');
  }, 30_000);

  it('stopping the kiosk (SIGTERM) switches every relay off before it exits', async () => {
    relay.clearReceived();
    modbus.clearReceived();
    await kiosk.stop();
    // socat may pass on the last bytes just after the kiosk has exited.
    const ch340 = hex(await relay.waitForReceived(4, 2000));
    const coil = hex(await modbus.waitForReceived(8, 2000));
    // At least one all-off each, and nothing but all-offs.
    expect(ch340.length).toBeGreaterThanOrEqual(8);
    expect(ch340.replaceAll(CH340_OFF, '')).toBe('');
    expect(coil.length).toBeGreaterThanOrEqual(16);
    expect(coil.replaceAll(MODBUS_OFF, '')).toBe('');
    expect(kiosk.child.exitCode).toBe(0);
  });
});

describe('device configuration errors', () => {
  it('a bad --device exits with a clear usage error, before anything starts', () => {
    const run = runChot(['start', '--browser', '--data-dir', tempDataDir(), '--device', 'serial-relay=auto']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--device "serial-relay=auto": a serial-relay cannot be found automatically');
    const unknown = runChot(['start', '--browser', '--data-dir', tempDataDir(), '--device', 'barcode=/dev/ttyACM0']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown device kind "barcode"');
  });

  it('a configured device that is absent shows a fault; the kiosk starts all the same', async () => {
    const dir = tempDataDir('chot-absent-');
    const absent = join(dir, 'no-such-scanner');
    const lonely = await openKioskPage({ extraArgs: ['--device', `serial-scanner=${absent}`], viewport: { width: 1280, height: 720 } });
    try {
      const lonelyPage: Page = lonely.page;
      await lonelyPage.waitForSelector('#device-line', { state: 'visible', timeout: 5000 });
      expect(await lonelyPage.textContent('#device-line-vi')).toBe(`Máy quét ${absent} bị rút ra`);
      expect(lonely.kiosk.stderr()).toContain(`${absent} is not connected`);
    } finally {
      await lonely.close();
    }
  }, 60_000);
});
