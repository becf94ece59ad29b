import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileProfileSchema, loadProfileCatalog, ProfileCatalogError, validateProfileJson } from '../../../drivers/profiles/profile-catalog.js';
import { repoRoot } from '../../support/kiosk-process.js';

const FIRMWARE_CONFIG = join(repoRoot(), 'firmware-config');
const PROFILES = join(FIRMWARE_CONFIG, 'profiles');
const files = readdirSync(PROFILES)
  .filter((name) => name.endsWith('.json'))
  .sort();
const read = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(PROFILES, name), 'utf8')) as Record<string, unknown>;

/** Every object in a profile that carries a `value`: the facts the schema requires a provenance for. */
function facts(node: unknown, path = ''): { path: string; fact: Record<string, unknown> }[] {
  if (typeof node !== 'object' || node === null) return [];
  const found: { path: string; fact: Record<string, unknown> }[] = [];
  if (!Array.isArray(node) && 'value' in node) found.push({ path, fact: node as Record<string, unknown> });
  for (const [key, child] of Object.entries(node)) found.push(...facts(child, `${path}/${key}`));
  return found;
}

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('firmware-config device profiles', () => {
  const validate = compileProfileSchema(FIRMWARE_CONFIG);

  it('has a profile for each scanner, relay and reader model Chốt supports', () => {
    const ids = files.map((name) => name.replace(/\.json$/, ''));
    for (const id of [
      'honeywell-1450g',
      'honeywell-1900',
      'zebra-ds2208',
      'zebra-ds9308',
      'newland-fm430',
      'newland-hr22',
      'generic-serial-2d-scanner',
      'usb-relay-hid',
      'ch340-serial-relay',
      'modbus-rtu-relay',
      'acs-acr122u',
      'acs-acr1252u',
      'acs-acr39u',
      'hid-omnikey-5022',
      'hid-omnikey-5427ck',
      'generic-ccid-reader',
    ]) {
      expect(ids).toContain(id);
    }
  });

  it.each(files)('%s validates against the schema', (name) => {
    expect(() => validateProfileJson(validate, join(PROFILES, name), read(name))).not.toThrow();
  });

  it.each(files)('%s: every value names a source or is marked unverified with a note', (name) => {
    const profile = read(name);
    // Programming codes carry their provenance beside the code, not around a `value`.
    const codes = ((profile.programming ?? []) as Record<string, unknown>[]).map((fact, i) => ({ path: `/programming/${i}`, fact }));
    const found = [...facts(profile), ...codes];
    for (const { path, fact } of found) {
      const sourced = typeof fact.source === 'string' && fact.source.length >= 8;
      const flagged = fact.unverified === true && typeof fact.note === 'string';
      expect(sourced || flagged, `${name}${path}`).toBe(true);
    }
  });

  it.each(files)('%s: USB ids are 4 lowercase hex digits', (name) => {
    for (const { path, fact } of facts(read(name)).filter(({ path }) => /(vendorId|productId)$/.test(path))) {
      expect(fact.value, `${name}${path}`).toMatch(/^[0-9a-f]{4}$/);
    }
  });

  it('ids are unique and each file is named after its id', () => {
    const ids = files.map((name) => read(name).id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const name of files) expect(`${String(read(name).id)}.json`).toBe(name);
  });

  it('every scanner says how to leave keyboard mode, or why it cannot', () => {
    for (const name of files) {
      const profile = read(name);
      if (profile.kind !== 'scanner') continue;
      const programming = (profile.programming ?? []) as { purpose: string }[];
      const switches = programming.some((code) => code.purpose === 'to-serial' || code.purpose === 'to-hid-pos');
      expect(switches || typeof profile.notes === 'string', name).toBe(true);
    }
  });

  it('rejects a value without a source that is not marked unverified, naming the field', () => {
    const profile = read('acs-acr39u.json');
    const usb = profile.usb as { vendorId: Record<string, unknown> };
    delete usb.vendorId.source;
    expect(() => validateProfileJson(validate, 'acs-acr39u.json', profile)).toThrow(/\/usb\/vendorId: a value needs a "source"/);
  });

  it('rejects unverified without a note, and a source too short to name anything', () => {
    const noNote = read('acs-acr39u.json');
    (noNote.usb as { vendorId: unknown }).vendorId = { value: '072f', unverified: true };
    expect(() => validateProfileJson(validate, 'acs-acr39u.json', noNote)).toThrow(ProfileCatalogError);
    const shortSource = read('acs-acr39u.json');
    (shortSource.usb as { vendorId: unknown }).vendorId = { value: '072f', source: 'x' };
    expect(() => validateProfileJson(validate, 'acs-acr39u.json', shortSource)).toThrow(ProfileCatalogError);
  });

  it('rejects an upper-case or short USB id and an unknown property', () => {
    const upper = read('acs-acr39u.json');
    (upper.usb as { vendorId: { value: string } }).vendorId.value = '072F';
    expect(() => validateProfileJson(validate, 'acs-acr39u.json', upper)).toThrow(/\/usb\/vendorId\/value/);
    const extra = { ...read('acs-acr39u.json'), colour: 'blue' };
    expect(() => validateProfileJson(validate, 'acs-acr39u.json', extra)).toThrow(/unknown property "colour"/);
  });

  it('every card reader for the chip ID card says its CCID exchange level and message size, each with a source', () => {
    for (const id of ['acs-acr1252u', 'acs-acr122u', 'hid-omnikey-5022', 'hid-omnikey-5427ck']) {
      const reader = read(`${id}.json`).cardReader as Record<string, Record<string, unknown>>;
      for (const field of ['ccidExchange', 'maxCcidMessageBytes']) {
        expect(reader[field]?.source, `${id} ${field}`).toEqual(expect.stringMatching(/dwFeatures|dwMaxCCIDMessageLength/));
      }
    }
    // The extended-length readers, and the one that is not (ACR122U: 256 bytes a READ BINARY at most).
    const exchange = (id: string): unknown => (read(`${id}.json`).cardReader as { ccidExchange: { value: unknown } }).ccidExchange.value;
    expect(['acs-acr1252u', 'hid-omnikey-5022', 'hid-omnikey-5427ck'].map(exchange)).toEqual(['extended-apdu', 'extended-apdu', 'extended-apdu']);
    expect(exchange('acs-acr122u')).toBe('short-apdu');
  });

  it('the ACR122U names the kernel modules to blacklist, and the shipped blacklist file blacklists exactly those', () => {
    const modules = (read('acs-acr122u.json').cardReader as { conflictingKernelModules: { value: string[] } }).conflictingKernelModules.value;
    expect(modules).toEqual(['pn533_usb', 'pn533', 'nfc']);
    const blacklist = readFileSync(join(repoRoot(), 'packaging', 'modprobe', 'blacklist-chot-nfc.conf'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(blacklist).toEqual(modules.map((name) => `blacklist ${name}`));
  });

  it('cardReader: only on a card reader; its facts need a provenance; its values are checked', () => {
    const scanner = { ...read('zebra-ds2208.json'), cardReader: { emrtd: { value: false, source: 'test fixture only' } } };
    expect(() => validateProfileJson(validate, 'zebra-ds2208.json', scanner)).toThrow(ProfileCatalogError);

    const unsourced = read('acs-acr1252u.json');
    delete (unsourced.cardReader as { ccidExchange: Record<string, unknown> }).ccidExchange.source;
    expect(() => validateProfileJson(validate, 'acs-acr1252u.json', unsourced)).toThrow(/\/cardReader\/ccidExchange: a value needs a "source"/);

    const badLevel = read('acs-acr1252u.json');
    (badLevel.cardReader as { ccidExchange: { value: string } }).ccidExchange.value = 'jumbo';
    expect(() => validateProfileJson(validate, 'acs-acr1252u.json', badLevel)).toThrow(/\/cardReader\/ccidExchange\/value/);

    const badModule = read('acs-acr122u.json');
    (badModule.cardReader as { conflictingKernelModules: { value: string[] } }).conflictingKernelModules.value = ['pn533; rm -rf /'];
    expect(() => validateProfileJson(validate, 'acs-acr122u.json', badModule)).toThrow(ProfileCatalogError);

    const extra = read('acs-acr1252u.json');
    (extra.cardReader as Record<string, unknown>).antennaColour = { value: 'blue', source: 'test fixture only' };
    expect(() => validateProfileJson(validate, 'acs-acr1252u.json', extra)).toThrow(/unknown property "antennaColour"/);
  });

  it('a programming code needs a bar code text or a serial command', () => {
    const profile = read('honeywell-1900.json');
    const [first] = profile.programming as Record<string, unknown>[];
    delete first!.barcode;
    delete first!.serialCommand;
    expect(() => validateProfileJson(validate, 'honeywell-1900.json', profile)).toThrow(/\/programming\/0/);
  });

  it('the catalogue loads every profile, sorted by id, and names the file and field of a bad one', () => {
    const catalog = loadProfileCatalog(FIRMWARE_CONFIG);
    expect(catalog.profiles.map((p) => p.id)).toEqual(files.map((name) => name.replace(/\.json$/, '')));
    expect(catalog.byId('usb-relay-hid')?.kind).toBe('relay');

    const dir = mkdtempSync(join(tmpdir(), 'chot-fw-'));
    temps.push(dir);
    cpSync(FIRMWARE_CONFIG, dir, { recursive: true });
    const broken = read('zebra-ds2208.json');
    (broken.modes as Record<string, unknown>[])[0]!.productId = { value: '1200' };
    writeFileSync(join(dir, 'profiles', 'zebra-ds2208.json'), JSON.stringify(broken));
    expect(() => loadProfileCatalog(dir)).toThrow(/zebra-ds2208\.json: \/modes\/0\/productId: a value needs a "source"/);

    writeFileSync(join(dir, 'profiles', 'zebra-ds2208.json'), '{ not json');
    expect(() => loadProfileCatalog(dir)).toThrow(/zebra-ds2208\.json: \(file\): not valid JSON/);

    writeFileSync(join(dir, 'profiles', 'zebra-ds2208.json'), JSON.stringify(read('zebra-ds9308.json')));
    expect(() => loadProfileCatalog(dir)).toThrow(/must be named zebra-ds9308\.json/);
  });
});
