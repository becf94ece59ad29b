import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchProfile, switchCodes, type DeviceHints, type DeviceProfile } from '../../../../domain/devices/device-profile.js';
import { loadProfileCatalog } from '../../../../drivers/profiles/profile-catalog.js';
import { repoRoot } from '../../../support/kiosk-process.js';

const catalog = loadProfileCatalog(join(repoRoot(), 'firmware-config'));

/** A minimal profile, for the cases the shipped catalogue does not cover. */
function profile(id: string, overrides: Partial<DeviceProfile>): DeviceProfile {
  return { id, kind: 'scanner', vendor: 'V', model: id, usb: { vendorId: { value: 'aaaa', source: 'test fixture' } }, modes: [], ...overrides };
}

describe('matchProfile on the shipped catalogue', () => {
  const cases: { name: string; hints: DeviceHints; profile: string | undefined; mode?: string; confidence?: string; alternatives?: string[] }[] = [
    {
      name: 'a USBRelayN board',
      hints: { vendorId: '16c0', productId: '05df', transport: 'hid-feature' },
      profile: 'usb-relay-hid',
      mode: 'hid-relay',
      confidence: 'exact',
    },
    { name: 'an ACR39U', hints: { vendorId: '072f', productId: 'b100' }, profile: 'acs-acr39u', mode: 'ccid', confidence: 'exact' },
    {
      name: 'a Honeywell on ttyACM',
      hints: { vendorId: '0c2e', productId: '0b6a', transport: 'cdc-acm' },
      profile: 'honeywell-1450g',
      mode: 'serial',
      confidence: 'vendor',
      alternatives: ['honeywell-1900'],
    },
    {
      name: 'a Honeywell keyboard',
      hints: { vendorId: '0c2e', productId: '0b01', transport: 'hid-keyboard' },
      profile: 'honeywell-1450g',
      mode: 'keyboard',
      confidence: 'vendor',
    },
    { name: 'a Honeywell in HID-POS', hints: { vendorId: '0c2e', productId: '0b07', transport: 'hid-pos' }, profile: 'honeywell-1450g', mode: 'hid-pos' },
    { name: 'a Honeywell with no transport known', hints: { vendorId: '0c2e', productId: '0b07' }, profile: undefined },
    {
      name: 'a Zebra keyboard',
      hints: { vendorId: '05e0', productId: '1200' },
      profile: 'zebra-ds2208',
      mode: 'keyboard',
      confidence: 'exact',
      alternatives: ['zebra-ds9308'],
    },
    { name: 'a Newland in HID-POS', hints: { vendorId: '1eab', productId: '1234', transport: 'hid-pos' }, profile: 'newland-fm430', mode: 'hid-pos' },
    {
      name: 'a CH340, kind unknown: scanner first, relay as alternative',
      hints: { vendorId: '1a86', productId: '7523', transport: 'usb-serial-bridge' },
      profile: 'ch340-serial-relay',
      confidence: 'generic',
      alternatives: ['generic-serial-2d-scanner', 'modbus-rtu-relay'],
    },
    {
      name: 'a CH340 named a scanner',
      hints: { vendorId: '1a86', productId: '7523', kind: 'scanner' },
      profile: 'generic-serial-2d-scanner',
      mode: 'serial',
      confidence: 'generic',
    },
    {
      name: 'a CH340 named a relay',
      hints: { vendorId: '1a86', productId: '7523', kind: 'relay' },
      profile: 'ch340-serial-relay',
      alternatives: ['modbus-rtu-relay'],
    },
    {
      name: 'an STM32 virtual COM port',
      hints: { vendorId: '0483', productId: '5740', transport: 'cdc-acm' },
      profile: 'generic-serial-2d-scanner',
      mode: 'serial',
    },
    { name: 'a CH340 seen as CDC (wrong transport)', hints: { vendorId: '1a86', productId: '7523', transport: 'cdc-acm' }, profile: undefined },
    ...(
      [
        ['an ACS ACR1252U', '072f', '223b', 'acs-acr1252u'],
        ['an ACS ACR122U', '072f', '2200', 'acs-acr122u'],
        ['an ACS ACR39U on its CCID interface', '072f', 'b100', 'acs-acr39u'],
        ['an HID OMNIKEY 5022', '076b', '5022', 'hid-omnikey-5022'],
        ['an HID OMNIKEY 5427 CK', '076b', '5427', 'hid-omnikey-5427ck'],
      ] as const
    ).map(([name, vendorId, productId, id]) => ({
      name: `${name} (${vendorId}:${productId}, CCID)`,
      hints: { vendorId, productId, transport: 'ccid' as const },
      profile: id,
      mode: 'ccid',
      confidence: 'exact',
      alternatives: [],
    })),
    {
      name: 'another ACS reader, not one of the models: the generic CCID profile, not a guess by vendor id',
      hints: { vendorId: '072f', productId: '223e', transport: 'ccid' },
      profile: 'generic-ccid-reader',
      confidence: 'generic',
    },
    {
      name: 'any CCID reader without a model profile',
      hints: { vendorId: '1234', productId: '5678', transport: 'ccid' },
      profile: 'generic-ccid-reader',
      confidence: 'generic',
    },
    { name: 'an unknown mouse', hints: { vendorId: '046d', productId: 'c077' }, profile: undefined },
  ];
  it.each(cases)('$name', ({ hints, profile: id, mode, confidence, alternatives }) => {
    const match = matchProfile(catalog.profiles, hints);
    expect(match?.profile.id).toBe(id);
    if (mode !== undefined) expect(match?.mode.mode).toBe(mode);
    if (confidence !== undefined) expect(match?.confidence).toBe(confidence);
    if (alternatives !== undefined) expect(match?.alternatives.map((p) => p.id)).toEqual(alternatives);
  });
});

describe('matchProfile ranking', () => {
  it('an exact product id beats a vendor-only mode of another profile', () => {
    const byVendor = profile('a-vendor', { modes: [{ mode: 'serial', transport: 'cdc-acm' }] });
    const exact = profile('b-exact', { modes: [{ mode: 'serial', transport: 'cdc-acm', productId: { value: '0001', source: 'test fixture' } }] });
    const match = matchProfile([byVendor, exact], { vendorId: 'aaaa', productId: '0001', transport: 'cdc-acm' });
    expect(match?.profile.id).toBe('b-exact');
    expect(match?.alternatives).toEqual([]);
  });

  it('a mode under its own vendor id matches that id, not the profile’s', () => {
    const p = profile('c', {
      modes: [
        { mode: 'serial', transport: 'cdc-acm', vendorId: { value: 'bbbb', source: 'test fixture' }, productId: { value: '0002', source: 'test fixture' } },
      ],
    });
    expect(matchProfile([p], { vendorId: 'bbbb', productId: '0002' })?.profile.id).toBe('c');
    expect(matchProfile([p], { vendorId: 'aaaa', productId: '0002' })).toBeUndefined();
  });
});

describe('switchCodes', () => {
  it('orders a Honeywell’s codes: serial before HID-POS, and leaves the way back out', () => {
    const codes = switchCodes(catalog.byId('honeywell-1900')!);
    expect(codes.map((c) => c.purpose)).toEqual(['to-serial', 'to-hid-pos']);
  });

  it('puts enter-setup first for a Newland', () => {
    expect(switchCodes(catalog.byId('newland-hr22')!).map((c) => c.purpose)).toEqual(['enter-setup', 'exit-setup']);
  });
});
