import { describe, expect, it } from 'vitest';
import { StaffPinStore, type ScryptCost } from '../../../../main/staff/staff-pin-store.js';
import { DEFAULT_STAFF_IDLE_MS, StaffSessions } from '../../../../main/staff/staff-sessions.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import type { Logger } from '../../../../platform/logging/logger.js';

// A cheap cost keeps these tests quick; the store's own test checks the default cost.
const CHEAP: ScryptCost = { N: 1024, r: 8, p: 1, keyLength: 32 };

function recordingLogger(lines: string[]): Logger {
  const log = (message: string, fields?: object) => lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger } as unknown as Logger;
  return logger;
}

async function sessions(options: { idleMs?: number } = {}) {
  let nowMs = Date.parse('2026-12-06T08:00:00Z');
  const pins = new StaffPinStore(tempDataDir('chot-staff-'), CHEAP);
  await pins.add('Lan', '246810');
  const lines: string[] = [];
  const staff = new StaffSessions({ pins, now: () => nowMs, logger: recordingLogger(lines), ...options });
  return { staff, pins, lines, advance: (ms: number) => (nowMs += ms) };
}

describe('the staff session', () => {
  it('opens with the right PIN and names the staff member until it expires', async () => {
    const { staff } = await sessions();
    const result = await staff.signIn('246810');
    expect(result).toMatchObject({ ok: true, staff: 'Lan' });
    expect(staff.identity()).toBe('Lan');
    expect(staff.state()).toMatchObject({ pinsConfigured: true, signedIn: { staff: 'Lan' } });
  });

  it('ends after the idle time without a staff action, and a staff action keeps it alive', async () => {
    const { staff, advance } = await sessions({ idleMs: 60_000 });
    await staff.signIn('246810');
    advance(50_000);
    expect(staff.identity()).toBe('Lan');
    advance(50_000);
    expect(staff.identity()).toBe('Lan');
    advance(60_000);
    expect(staff.identity()).toBeUndefined();
    expect(staff.state().signedIn).toBeUndefined();
  });

  it('defaults to two minutes of inactivity', async () => {
    expect(DEFAULT_STAFF_IDLE_MS).toBe(120_000);
    const { staff, advance } = await sessions();
    await staff.signIn('246810');
    advance(119_000);
    expect(staff.state().signedIn?.staff).toBe('Lan');
    advance(1_000);
    expect(staff.identity()).toBeUndefined();
  });

  it('ends on sign-out', async () => {
    const { staff } = await sessions();
    await staff.signIn('246810');
    staff.signOut();
    expect(staff.identity()).toBeUndefined();
  });

  it('refuses a wrong PIN and opens no session', async () => {
    const { staff } = await sessions();
    expect(await staff.signIn('000000')).toMatchObject({ ok: false, refusal: { code: 'staff.wrong-pin' } });
    expect(staff.identity()).toBeUndefined();
  });

  it('locks for 60 s after 5 wrong PINs — even the right PIN — then doubles, and logs no PIN', async () => {
    const { staff, advance, lines } = await sessions();
    for (let i = 0; i < 4; i += 1) expect(await staff.signIn('000000')).toMatchObject({ refusal: { code: 'staff.wrong-pin' } });
    expect(await staff.signIn('000000')).toMatchObject({ refusal: { code: 'staff.locked' } });
    expect(await staff.signIn('246810')).toMatchObject({ ok: false, refusal: { code: 'staff.locked' } });
    advance(59_000);
    expect(await staff.signIn('246810')).toMatchObject({ ok: false });
    advance(1_000);
    // Unlocked: five more wrong ones lock for twice as long.
    for (let i = 0; i < 5; i += 1) await staff.signIn('000000');
    advance(119_000);
    expect(await staff.signIn('246810')).toMatchObject({ ok: false, refusal: { code: 'staff.locked' } });
    advance(1_000);
    expect(await staff.signIn('246810')).toMatchObject({ ok: true, staff: 'Lan' });
    expect(lines.some((line) => line.includes('locked'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/000000|246810/);
    expect(lines.join('\n')).not.toContain('Lan');
  });

  it('says when no staff PIN is configured', async () => {
    const pins = new StaffPinStore(tempDataDir('chot-staff-'), CHEAP);
    const staff = new StaffSessions({ pins });
    expect(staff.pinsConfigured()).toBe(false);
    expect(await staff.signIn('123456')).toMatchObject({ ok: false, refusal: { code: 'staff.no-staff' } });
  });
});
