import QRCode from 'qrcode';
import type { RenderedCode, ScannerCodes } from '../../domain/devices/diagnostics.js';
import { code128Svg } from './code128.js';
import { isVerified, type DeviceProfile, type ProgrammingCode } from '../../domain/devices/device-profile.js';

/**
 * The scanner programming codes of the profiles, rendered for the diagnostics screen. QR
 * codes are made here, in the core, with the `qrcode` package (the renderer has no Node and
 * no packages); the screen shows the SVG as an image. `qrcode` makes QR only, so a code the
 * vendor prints as Code 128 (Honeywell, Newland menu codes) is also drawn as Code 128 by
 * code128.ts — whether a scanner accepts its menu codes as QR too is not documented in the
 * sources read, so the vendor's symbology is shown first — and the text beside both.
 */

const CONTROL_NAMES: Readonly<Record<number, string>> = { 0x02: 'STX', 0x03: 'ETX', 0x0d: 'CR', 0x0a: 'LF', 0x16: 'SYN', 0x1b: 'ESC' };

/** A serial command with its control characters spelled out: `<SYN>M<CR>TRMUSB130.` */
export function spellControls(command: string): string {
  return [...command]
    .map((char) => {
      const code = char.charCodeAt(0);
      if (code >= 0x20 && code !== 0x7f) return char;
      return `<${CONTROL_NAMES[code] ?? `0x${code.toString(16).padStart(2, '0')}`}>`;
    })
    .join('');
}

/** A QR code of `text` as SVG source: error correction M, a 4-module quiet zone as ISO 18004 asks. */
export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}

async function renderCode(code: ProgrammingCode): Promise<RenderedCode> {
  const bars = code.barcode?.symbology === 'code128' ? code128Svg(code.barcode.text) : undefined;
  return {
    purpose: code.purpose,
    label: code.label,
    ...(code.barcode === undefined ? {} : { text: code.barcode.text, symbology: code.barcode.symbology, qrSvg: await qrSvg(code.barcode.text) }),
    ...(bars === undefined ? {} : { code128Svg: bars }),
    ...(code.serialCommand === undefined ? {} : { serialCommand: spellControls(code.serialCommand.ascii) }),
    verified: isVerified(code),
    ...(code.note === undefined ? {} : { note: code.note }),
    ...(code.source === undefined ? {} : { source: code.source }),
  };
}

/** Every scanner profile with its codes rendered; profiles with codes first, then by id. */
export async function renderScannerCodes(profiles: readonly DeviceProfile[]): Promise<ScannerCodes[]> {
  const scanners = profiles.filter((profile) => profile.kind === 'scanner');
  const rendered = await Promise.all(
    scanners.map(async (profile) => ({
      profileId: profile.id,
      kind: profile.kind,
      vendor: profile.vendor,
      model: profile.model,
      ...(profile.notes === undefined ? {} : { notes: profile.notes }),
      codes: await Promise.all((profile.programming ?? []).map(renderCode)),
    })),
  );
  return rendered.sort((a, b) => Number(b.codes.length > 0) - Number(a.codes.length > 0) || (a.profileId < b.profileId ? -1 : 1));
}
