import { NodeHidBinding } from '../../drivers/hid/node-hid-binding.js';
import type { HidBinding } from '../../drivers/hid/hid-binding.js';
import { NodeSerialTransport } from '../../drivers/serial/node-serial-transport.js';
import { discoverDevices, type DeviceAccess, type DiscoveredDevice, type SerialLister } from '../../drivers/profiles/device-discovery.js';
import { loadProfileCatalog } from '../../drivers/profiles/profile-catalog.js';
import { sysfsCcidDevices, USERSPACE_DRIVER, type UsbCcidLister } from '../../drivers/profiles/usb-ccid.js';
import { switchCodes } from '../../domain/devices/device-profile.js';
import { firmwareConfigDir } from '../../main/diagnostics/firmware-config-dir.js';
import type { PcscBinding } from '../../drivers/chip/pcsc-binding.js';
import { parseCommandArgs } from '../args.js';
import { pcscSection, surveyPcsc, type PcscReport } from './devices-pcsc.js';
import { terminalJson, terminalLines, terminalText } from '../../domain/text/terminal-text.js';

export const DEVICES_HELP = `Usage: chot devices [--json] [--all]

Lists the scanners, relay boards and card readers plugged into this machine (USB serial
ports, HID devices, USB card readers) with the device profile each matches (firmware-config/)
and its state, then the chip card readers pcscd offers and whether a card is in each. Never
opens a device or a card, so it is safe while the kiosk runs:
  present        the device is there (and this user may open it; a card reader is pcscd's)
  no access      permission denied: install the udev rule (drivers/README.md) and run
                 sudo usermod -aG plugdev,dialout $USER   (then log in again)
  in use         a process of this user holds it open (pid shown: the kiosk, usually)
  kernel driver  a card reader a kernel driver took before pcscd could (the ACR122U and
                 pn533_usb: blacklist it, drivers/README.md)
A scanner in keyboard mode gets the hint to switch it to serial or HID-POS.
Card readers (PC/SC): pcscd not running, or refusing this user (polkit), is said with
the command that fixes it.

Options:
  --json  one JSON document: devices, problems, pcsc
  --all   also list devices that match no profile (keyboards, mice, other ports)
`;

/** What `chot devices` talks to; tests pass fakes. */
export interface DevicesDeps {
  readonly serial?: SerialLister;
  readonly hid?: HidBinding;
  /** USB card readers: sysfs unless given. */
  readonly ccid?: UsbCcidLister;
  readonly access?: (path: string) => DeviceAccess;
  readonly holders?: (path: string) => readonly number[];
  readonly firmwareConfigDir?: string;
  /** PC/SC (pcscd): the native binding unless given, loaded only when the command runs. */
  readonly pcsc?: PcscBinding;
  readonly write?: (text: string) => void;
}

async function nativePcsc(): Promise<PcscBinding> {
  const { NodePcscBinding } = await import('../../drivers/chip/node-pcsc-binding.js');
  return new NodePcscBinding();
}

type State = 'present' | 'no access' | 'in use' | 'kernel driver' | 'unknown';

/** A card reader's interface held by a kernel driver other than pcscd's (libusb's usbfs): pcscd cannot have it. */
function foreignDrivers(device: DiscoveredDevice): readonly string[] {
  return (device.kernelDrivers ?? []).filter((driver) => driver !== USERSPACE_DRIVER);
}

function stateOf(device: DiscoveredDevice): State {
  // A card reader is pcscd's to open, never this user's: what matters is who holds it.
  if (device.bus === 'usb') return foreignDrivers(device).length > 0 ? 'kernel driver' : 'present';
  if (device.access === 'no-access') return 'no access';
  if (device.heldBy.length > 0) return 'in use';
  return device.access === 'ok' ? 'present' : 'unknown';
}

function profileText(device: DiscoveredDevice): string {
  const match = device.match;
  if (match === undefined) return 'unknown';
  const guess = match.confidence === 'exact' ? '' : match.confidence === 'vendor' ? ', by vendor id' : ', generic ids';
  const others = match.alternatives.length === 0 ? '' : ` (or ${match.alternatives.map((p) => p.id).join(', ')})`;
  return `${match.profile.vendor} ${match.profile.model} [${match.mode.mode}${guess}]${others}`;
}

/** What the operator should do next about this device, if anything. */
function hintFor(device: DiscoveredDevice): string | undefined {
  const foreign = foreignDrivers(device);
  if (device.bus === 'usb' && foreign.length > 0) {
    const known = device.match?.profile.cardReader?.conflictingKernelModules?.value ?? [];
    const holder = `the kernel driver ${foreign.join(', ')} holds it, so pcscd cannot`;
    if (foreign.every((driver) => known.includes(driver))) {
      return `${holder}: install packaging/modprobe/blacklist-chot-nfc.conf as /etc/modprobe.d/blacklist-chot-nfc.conf (the deb does), run \`sudo modprobe -r ${known.join(' ')}\`, then unplug and replug it`;
    }
    return `${holder}: blacklist that module (/etc/modprobe.d/), then unplug and replug it`;
  }
  if (device.access === 'no-access') {
    return 'no permission: install packaging/udev/70-chot.rules and run `sudo usermod -aG plugdev,dialout $USER`, then log in again';
  }
  const match = device.match;
  if (match?.mode.mode === 'keyboard') {
    const codes = switchCodes(match.profile).filter((code) => code.barcode !== undefined);
    const list =
      codes.length === 0
        ? 'see the profile notes (firmware-config/profiles/' + match.profile.id + '.json)'
        : codes.map((code) => `${code.label.en}: "${code.barcode?.text}"`).join('; ');
    return `keyboard mode garbles Vietnamese names: switch it to serial or HID-POS (${list}); the diagnostics screen (F4) shows the codes as bar codes`;
  }
  return undefined;
}

export interface DeviceRow {
  readonly path: string;
  readonly kind: string;
  readonly usbId: string;
  readonly profile: string;
  readonly state: State;
  readonly heldBy: readonly number[];
  readonly hint?: string;
  readonly profileId?: string;
  readonly mode?: string;
}

export function deviceRow(device: DiscoveredDevice): DeviceRow {
  const hint = hintFor(device);
  return {
    path: device.path,
    kind: device.match?.profile.kind ?? (device.bus === 'usb' ? 'card-reader' : device.bus),
    usbId: device.vendorId === undefined ? '-' : `${device.vendorId}:${device.productId ?? '????'}`,
    profile: profileText(device),
    state: stateOf(device),
    heldBy: device.heldBy,
    ...(device.match === undefined ? {} : { profileId: device.match.profile.id, mode: device.match.mode.mode }),
    ...(hint === undefined ? {} : { hint }),
  };
}

function table(rows: readonly DeviceRow[]): string {
  const header = ['PATH', 'KIND', 'VID:PID', 'PROFILE', 'STATE'];
  const cells = rows.map((row) => [row.path, row.kind, row.usbId, row.profile, row.state + (row.heldBy.length > 0 ? ` (pid ${row.heldBy.join(', ')})` : '')]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i]!.length)));
  const line = (cell: readonly string[]): string => cell.map((text, i) => (i === cell.length - 1 ? text : text.padEnd(widths[i]!))).join('  ');
  const out = [line(header)];
  for (const [i, row] of rows.entries()) {
    out.push(line(cells[i]!));
    if (row.hint !== undefined) out.push(`    → ${row.hint}`);
  }
  return out.join('\n') + '\n';
}

/** What `chot devices` and `chot doctor` see: every device found, its row, and pcscd's readers. */
export interface DeviceSurvey {
  readonly found: readonly DiscoveredDevice[];
  readonly problems: readonly string[];
  readonly pcsc: PcscReport;
}

/** Lists without opening anything, so it is safe while the kiosk runs. */
export async function surveyDevices(deps: DevicesDeps = {}): Promise<DeviceSurvey> {
  const catalog = loadProfileCatalog(deps.firmwareConfigDir ?? firmwareConfigDir());
  const discovery = await discoverDevices({
    catalog,
    serial: deps.serial ?? new NodeSerialTransport(),
    hid: deps.hid ?? new NodeHidBinding(),
    ccid: deps.ccid ?? (() => sysfsCcidDevices()),
    ...(deps.access === undefined ? {} : { access: deps.access }),
    ...(deps.holders === undefined ? {} : { holders: deps.holders }),
  });
  const pcsc = await surveyPcsc(deps.pcsc ?? (await nativePcsc()));
  return { found: discovery.devices, problems: discovery.problems, pcsc };
}

export async function runDevices(args: readonly string[], deps: DevicesDeps = {}): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: 'boolean' }, all: { type: 'boolean' } });
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const survey = await surveyDevices(deps);
  const shown = survey.found.filter((device) => values.all === true || device.match !== undefined);
  const rows = shown.map(deviceRow);
  const { pcsc } = survey;
  const hidden = survey.found.length - shown.length;
  if (values.json === true) {
    // USB descriptors and reader names are the device's own text: escaped for the terminal.
    write(terminalJson({ devices: rows, problems: survey.problems, hidden, pcsc }, 2) + '\n');
    return 0;
  }
  if (rows.length === 0) write(survey.found.length === 0 ? 'no devices found\n' : 'no device matches a profile\n');
  else write(terminalLines(table(rows)));
  if (hidden > 0) write(`${hidden} other device(s) match no profile: chot devices --all lists them\n`);
  for (const problem of survey.problems) write(`could not list ${terminalText(problem)}\n`);
  write(pcscSection(pcsc));
  return 0;
}
