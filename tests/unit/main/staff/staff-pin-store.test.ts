import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_COST, STAFF_PINS_FILE, StaffPinError, StaffPinStore } from '../../../../main/staff/staff-pin-store.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

const fileOf = (dir: string) =>
  JSON.parse(readFileSync(join(dir, STAFF_PINS_FILE), 'utf8')) as { format: string; source: string; staff: Record<string, unknown>[] };

describe('the staff PIN store', () => {
  it('keeps a salted scrypt hash with its stated cost, never the PIN, in an owner-only file', async () => {
    const dir = tempDataDir('chot-staff-');
    const store = new StaffPinStore(dir);
    await store.add('Lan', '246810');
    const file = fileOf(dir);
    expect(file.format).toBe('chot-staff-pins/1');
    expect(file.source).toBe('local');
    const [entry] = file.staff;
    expect(entry?.kdf).toEqual({ alg: 'scrypt', N: 32_768, r: 8, p: 1, keyLength: 32 });
    expect(DEFAULT_SCRYPT_COST.N).toBeGreaterThanOrEqual(2 ** 15);
    expect(Buffer.from(entry?.salt as string, 'base64')).toHaveLength(16);
    expect(Buffer.from(entry?.hash as string, 'base64')).toHaveLength(32);
    expect(readFileSync(join(dir, STAFF_PINS_FILE), 'utf8')).not.toContain('246810');
    if (process.platform !== 'win32') expect(statSync(join(dir, STAFF_PINS_FILE)).mode & 0o777).toBe(0o600);
  });

  it('salts each entry on its own: the same PIN twice would hash differently', async () => {
    const dir = tempDataDir('chot-staff-');
    const store = new StaffPinStore(dir);
    await store.add('Lan', '111111');
    await store.add('Minh', '222222');
    const [a, b] = fileOf(dir).staff;
    expect(a?.salt).not.toBe(b?.salt);
    // Reusing one salt for another entry with the first entry's PIN shows the salt is what changes the hash.
    expect(a?.hash).not.toBe(b?.hash);
  });

  it('finds who a PIN belongs to, and nobody for a wrong PIN', async () => {
    const store = new StaffPinStore(tempDataDir('chot-staff-'));
    await store.add('Lan', '111111');
    await store.add('Minh', '222222333');
    expect(await store.find('111111')).toBe('Lan');
    expect(await store.find('222222333')).toBe('Minh');
    expect(await store.find('111112')).toBeUndefined();
    expect(await store.find('abc')).toBeUndefined();
  });

  it('refuses a PIN outside 6–12 digits, a name twice, and a PIN another member has', async () => {
    const store = new StaffPinStore(tempDataDir('chot-staff-'));
    await expect(store.add('Lan', '12345')).rejects.toThrow(StaffPinError);
    await expect(store.add('Lan', '1234567890123')).rejects.toThrow(/6 to 12 digits/);
    await expect(store.add('Lan', '12345a')).rejects.toThrow(StaffPinError);
    await store.add('Lan', '123456');
    await expect(store.add('Lan', '654321')).rejects.toThrow(/already exists/);
    await expect(store.add('Minh', '123456')).rejects.toThrow(/another staff member/);
    await expect(store.add('\u202eMinh', '654321')).rejects.toThrow(/control/);
  });

  it('removes by name and lists names only', async () => {
    const store = new StaffPinStore(tempDataDir('chot-staff-'));
    await store.add('Lan', '123456');
    await store.add('Minh', '654321');
    expect(store.names()).toEqual(['Lan', 'Minh']);
    expect(store.remove('Lan')).toBe(true);
    expect(store.remove('Lan')).toBe(false);
    expect(store.names()).toEqual(['Minh']);
    expect(await store.find('123456')).toBeUndefined();
  });

  it('reads no file as no staff, and refuses a file that is not its format', () => {
    const dir = tempDataDir('chot-staff-');
    const store = new StaffPinStore(dir);
    expect(store.entries()).toEqual([]);
    writeFileSync(join(dir, STAFF_PINS_FILE), '{"format":"other","staff":[]}');
    expect(() => store.entries()).toThrow(StaffPinError);
  });
});
