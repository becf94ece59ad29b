import type { Bilingual } from '../text/bilingual.js';
import type { ProfileKind, ProfileModeName, ProgrammingPurpose } from './device-profile.js';

/**
 * `KioskApi.getDiagnostics`: what the diagnostics screen (F4) shows — every device the kiosk
 * drives with its state, last scan and fault, and the programming codes of the scanner
 * profiles as bar codes staff can scan to configure a scanner.
 */
export interface Diagnostics {
  /** ISO 8601 of this answer. */
  readonly at: string;
  readonly devices: readonly DiagnosticsDevice[];
  /** HID keyboards that match a scanner profile: scanners in keyboard mode, which garble names. */
  readonly keyboardScanners: readonly KeyboardScanner[];
  /** Every scanner profile with codes, the most common first. */
  readonly scanners: readonly ScannerCodes[];
  /** The profiles could not be loaded (a broken file): said, the rest of the screen still works. */
  readonly profilesError?: string;
}

/** A device the kiosk drives, as drivers/device.ts's DeviceStatus says it (restated: the domain may not import drivers). */
export interface DiagnosticsDevice {
  readonly id: string;
  readonly kind: string;
  readonly vendorId?: string;
  readonly productId?: string;
  readonly product?: string;
  readonly state: 'opening' | 'ready' | 'fault' | 'closed';
  readonly fault?: { readonly kind: string; readonly message: string; readonly at: string };
  readonly lastScanAt?: string;
  readonly profile?: { readonly id: string; readonly model: string; readonly mode: ProfileModeName };
}

export interface KeyboardScanner {
  readonly path: string;
  readonly vendorId: string;
  readonly productId: string;
  readonly profileId: string;
  readonly model: string;
}

export interface ScannerCodes {
  readonly profileId: string;
  readonly kind: ProfileKind;
  readonly vendor: string;
  readonly model: string;
  readonly notes?: string;
  readonly codes: readonly RenderedCode[];
}

export interface RenderedCode {
  readonly purpose: ProgrammingPurpose;
  readonly label: Bilingual;
  /** The text the vendor's bar code encodes, when known. */
  readonly text?: string;
  /** What the vendor prints it as. */
  readonly symbology?: string;
  /** A QR code of `text`, as SVG source, made by the core (the `qrcode` package). */
  readonly qrSvg?: string;
  /** `text` as Code 128, when the vendor prints it so (main/diagnostics/code128.ts). */
  readonly code128Svg?: string;
  /** The serial command, with control characters written as <SYN> <CR>… */
  readonly serialCommand?: string;
  /** False when the profile marks the code unverified: the screen says so. */
  readonly verified: boolean;
  readonly note?: string;
  readonly source?: string;
}
