import type { Bilingual } from '../text/bilingual.js';

/**
 * A device profile from `firmware-config/profiles/*.json`, as the JSON Schema
 * (`firmware-config/schema/device-profile.schema.json`) describes it. Pure types and the
 * matching of a connected device to a profile; loading and validating is drivers/profiles'.
 */

/** Where a vendor value comes from: a source, or unverified with a note. */
export interface Provenance {
  readonly source?: string;
  readonly unverified?: boolean;
  readonly note?: string;
}

export interface Fact<T> extends Provenance {
  readonly value: T;
}

export type ProfileKind = 'scanner' | 'relay' | 'card-reader';
export type ProfileModeName = 'keyboard' | 'serial' | 'hid-pos' | 'ccid' | 'hid-relay' | 'serial-relay' | 'modbus-relay';
/** How the host sees the device in that mode. */
export type ProfileTransport = 'hid-keyboard' | 'hid-pos' | 'cdc-acm' | 'usb-serial-bridge' | 'hid-feature' | 'ccid';

export interface ProfileMode {
  readonly mode: ProfileModeName;
  readonly transport: ProfileTransport;
  readonly productId?: Fact<string>;
  /** When this mode enumerates under another vendor id than the profile's. */
  readonly vendorId?: Fact<string>;
  readonly note?: string;
}

export type ProgrammingPurpose = 'to-serial' | 'to-hid-pos' | 'to-keyboard' | 'utf8-output' | 'cr-suffix' | 'enter-setup' | 'exit-setup' | 'factory-defaults';

export interface ProgrammingCode extends Provenance {
  readonly purpose: ProgrammingPurpose;
  readonly label: Bilingual;
  /** The text of the vendor's programming bar code, and the symbology the vendor prints it in. */
  readonly barcode?: { readonly symbology: 'code128' | 'qr' | 'datamatrix' | 'pdf417'; readonly text: string };
  readonly serialCommand?: { readonly ascii: string };
  readonly requires?: readonly string[];
}

export type SuffixSetting = 'cr' | 'lf' | 'crlf' | 'none' | { readonly hex: string };

export interface SerialProfile {
  readonly baudRate?: Fact<number>;
  readonly dataBits?: Fact<7 | 8>;
  readonly parity?: Fact<'none' | 'even' | 'odd'>;
  readonly stopBits?: Fact<1 | 2>;
  readonly suffix?: Fact<SuffixSetting>;
  readonly interByteTimeoutMs?: Fact<number>;
}

export type CardInterface = 'contactless' | 'contact' | 'sam';
/** The CCID exchange level (dwFeatures): whether the reader takes extended-length APDUs. */
export type CcidExchange = 'tpdu' | 'short-apdu' | 'extended-apdu';

/** What a PC/SC reader offers for reading a chip ID card, for the interface the chip is read through. */
export interface CardReaderProfile {
  readonly interfaces?: Fact<readonly CardInterface[]>;
  /** Known to read ICAO 9303 eMRTDs. */
  readonly emrtd?: Fact<boolean>;
  readonly ccidExchange?: Fact<CcidExchange>;
  /** dwMaxCCIDMessageLength, its 10-byte header included. */
  readonly maxCcidMessageBytes?: Fact<number>;
  /** Linux modules that take the reader before pcscd's CCID driver: to blacklist. */
  readonly conflictingKernelModules?: Fact<readonly string[]>;
}

export interface DeviceProfile {
  readonly id: string;
  readonly kind: ProfileKind;
  readonly vendor: string;
  readonly model: string;
  /** The ids are a bridge chip's, shared by many products: a match is a guess. */
  readonly generic?: boolean;
  readonly notes?: string;
  readonly usb: { readonly vendorId?: Fact<string> };
  readonly modes: readonly ProfileMode[];
  readonly defaultMode?: Fact<ProfileModeName>;
  readonly programming?: readonly ProgrammingCode[];
  readonly serial?: SerialProfile;
  readonly relay?: { readonly channels?: Fact<number>; readonly protocol?: Fact<'usb-relay-hid' | 'ch340-a0' | 'modbus-rtu-coil'> };
  /** Card readers only. */
  readonly cardReader?: CardReaderProfile;
}

/** What is known about a connected device when it is matched: USB ids and how it showed up. */
export interface DeviceHints {
  /** 4 lowercase hex digits, when known. */
  readonly vendorId?: string;
  readonly productId?: string;
  /** How it enumerated: a serial port (ttyACM = cdc-acm, ttyUSB = usb-serial-bridge), HID usage page 0x8C, a keyboard… */
  readonly transport?: ProfileTransport;
  /** What the kiosk was told it is (`--device serial-relay=…`), to choose between profiles sharing ids (CH340). */
  readonly kind?: ProfileKind;
}

/**
 * How sure a match is: `exact` (vendor and product id of the profile's mode), `vendor`
 * (vendor id and transport, the mode's product id unknown), `generic` (a bridge chip's or an
 * interface class's ids, shared by many products).
 */
export type MatchConfidence = 'exact' | 'vendor' | 'generic';

export interface ProfileMatch {
  readonly profile: DeviceProfile;
  readonly mode: ProfileMode;
  readonly confidence: MatchConfidence;
  /** Other profiles that match as well as this one (a CH340 is a scanner or a relay). */
  readonly alternatives: readonly DeviceProfile[];
}

const RANK: Readonly<Record<MatchConfidence, number>> = { exact: 3, vendor: 2, generic: 1 };

/** Serial transports are told apart by the kernel driver, which a hint may not know: both are a "serial port". */
function transportFits(mode: ProfileTransport, hint: ProfileTransport | undefined): boolean {
  return hint === undefined || hint === mode;
}

function modeMatch(profile: DeviceProfile, mode: ProfileMode, hints: DeviceHints): MatchConfidence | undefined {
  if (!transportFits(mode.transport, hints.transport)) return undefined;
  const vendorId = (mode.vendorId ?? profile.usb.vendorId)?.value;
  const productId = mode.productId?.value;
  if (vendorId === undefined) {
    // A profile without ids (a generic CCID reader) matches by its interface class alone.
    return hints.transport !== undefined && hints.transport === mode.transport ? 'generic' : undefined;
  }
  if (hints.vendorId !== vendorId) return undefined;
  if (productId !== undefined) {
    if (hints.productId !== productId) return undefined;
    return profile.generic === true ? 'generic' : 'exact';
  }
  // The product id of this mode is unknown: the vendor and the transport must both say it.
  if (hints.transport === undefined) return undefined;
  return profile.generic === true ? 'generic' : 'vendor';
}

/**
 * The profile and mode a connected device matches, the best first: exact ids beat vendor
 * id + transport, which beat generic ids; a kind hint settles ties (a CH340 named as a relay
 * is the relay). Undefined when nothing matches.
 */
export function matchProfile(profiles: readonly DeviceProfile[], hints: DeviceHints): ProfileMatch | undefined {
  const hits: { profile: DeviceProfile; mode: ProfileMode; confidence: MatchConfidence }[] = [];
  for (const profile of profiles) {
    if (hints.kind !== undefined && profile.kind !== hints.kind) continue;
    let best: { mode: ProfileMode; confidence: MatchConfidence } | undefined;
    for (const mode of profile.modes) {
      const confidence = modeMatch(profile, mode, hints);
      if (confidence !== undefined && (best === undefined || RANK[confidence] > RANK[best.confidence])) best = { mode, confidence };
    }
    if (best !== undefined) hits.push({ profile, ...best });
  }
  if (hits.length === 0) return undefined;
  const top = Math.max(...hits.map((hit) => RANK[hit.confidence]));
  const tied = hits.filter((hit) => RANK[hit.confidence] === top);
  // Stable: among equals, the first profile in catalogue order (sorted by id) wins.
  const [first, ...others] = tied as [(typeof tied)[number], ...typeof tied];
  return { ...first, alternatives: others.map((hit) => hit.profile) };
}

/** The codes that take a scanner out of keyboard mode, the preferred first: serial, then HID-POS, then UTF-8. */
export function switchCodes(profile: DeviceProfile): readonly ProgrammingCode[] {
  const order: readonly ProgrammingPurpose[] = ['enter-setup', 'to-serial', 'to-hid-pos', 'utf8-output', 'cr-suffix', 'exit-setup'];
  return (profile.programming ?? []).filter((code) => order.includes(code.purpose)).sort((a, b) => order.indexOf(a.purpose) - order.indexOf(b.purpose));
}

/** Whether a fact or code is backed by a source and not flagged unverified. */
export function isVerified(value: Provenance): boolean {
  return value.unverified !== true && value.source !== undefined;
}
