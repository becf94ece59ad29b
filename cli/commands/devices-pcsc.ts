import { ChipReaderDriver, type ChipReaderListing } from '../../drivers/chip/chip-reader.js';
import { asPcscError, type PcscBinding } from '../../drivers/chip/pcsc-binding.js';
import { DeviceFault } from '../../drivers/device.js';
import { messageOf } from '../../platform/message-of.js';
import { terminalText } from '../../domain/text/terminal-text.js';

/**
 * The "Card readers (PC/SC)" part of `chot devices`: the readers pcscd offers (a USB reader
 * is pcscd's, through its CCID driver, so the kiosk sees it only there), whether a card is in
 * each, and why none can be listed — the three set-up slips a technician meets: pcscd not
 * running, pcscd refusing the kiosk's user (polkit), a reader the kernel's NFC driver took.
 * Listing opens no card: safe while the kiosk runs.
 */

/** Where the polkit rule is installed (the deb does it; packaging/polkit/ for other installs). */
export const POLKIT_RULE_PATH = '/usr/share/polkit-1/rules.d/70-chot-pcscd.rules';

export const PCSCD_NOT_RUNNING_HINT = 'pcscd is not running: sudo systemctl enable --now pcscd.socket';
export const PCSCD_ACCESS_HINT = `pcscd refuses this user (polkit): install packaging/polkit/70-chot-pcscd.rules as ${POLKIT_RULE_PATH} (the deb does) and run \`sudo usermod -aG plugdev $USER\`, then log in again`;
export const NO_READER_HINT =
  'no card reader: plug one in (an ACR122U is taken by the kernel NFC driver unless pn533_usb is blacklisted: /etc/modprobe.d/blacklist-chot-nfc.conf, drivers/README.md)';

/** pcscd as `chot devices` found it. */
export type PcscService = 'running' | 'not-running' | 'access-denied' | 'failed';

export interface PcscReport {
  readonly service: PcscService;
  readonly readers: readonly ChipReaderListing[];
  /** What to do next, when something is missing. */
  readonly hint?: string;
  /** The error, when pcscd could not be asked (`failed`: the PC/SC addon did not load, …). */
  readonly problem?: string;
}

/** The readers pcscd lists now, or why it cannot list them. */
export async function surveyPcsc(binding: PcscBinding): Promise<PcscReport> {
  let readers: ChipReaderListing[];
  try {
    readers = await new ChipReaderDriver(binding).list();
  } catch (error) {
    // The driver wraps the binding's PcscError in a DeviceFault; its kind is what tells the cases apart.
    const pcsc = asPcscError(error instanceof DeviceFault && error.cause !== undefined ? error.cause : error);
    if (pcsc.kind === 'no-service') return { service: 'not-running', readers: [], hint: PCSCD_NOT_RUNNING_HINT };
    if (pcsc.kind === 'access-denied') return { service: 'access-denied', readers: [], hint: PCSCD_ACCESS_HINT };
    return { service: 'failed', readers: [], problem: messageOf(error) };
  }
  return { service: 'running', readers, ...(readers.length === 0 ? { hint: NO_READER_HINT } : {}) };
}

/** The section as text; reader names are the reader's own USB strings, escaped for the terminal. */
export function pcscSection(report: PcscReport): string {
  const lines = ['Card readers (PC/SC):'];
  if (report.service === 'failed') lines.push(`  could not ask pcscd: ${terminalText(report.problem ?? 'unknown error')}`);
  const width = Math.max(0, ...report.readers.map((reader) => terminalText(reader.name).length));
  for (const reader of report.readers) lines.push(`  ${terminalText(reader.name).padEnd(width)}  ${reader.hasCard ? 'card present' : 'no card'}`);
  if (report.hint !== undefined) lines.push(`  → ${report.hint}`);
  return lines.join('\n') + '\n';
}
