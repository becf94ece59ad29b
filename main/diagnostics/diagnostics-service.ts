import { realpathSync } from 'node:fs';
import type { DeviceInfo, DeviceStatus } from '../../drivers/device.js';
import { NodeHidBinding } from '../../drivers/hid/node-hid-binding.js';
import { discoverDevices } from '../../drivers/profiles/device-discovery.js';
import { loadProfileCatalog, serialTransportOf, type ProfileCatalog } from '../../drivers/profiles/profile-catalog.js';
import type { Diagnostics, DiagnosticsDevice, KeyboardScanner, ScannerCodes } from '../../domain/devices/diagnostics.js';
import { matchProfile, type DeviceHints } from '../../domain/devices/device-profile.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import { renderScannerCodes } from './code-barcodes.js';
import { visibleText } from '../../domain/text/visible-text.js';
import { messageOf } from '../../platform/message-of.js';

export interface DiagnosticsOptions {
  /** The devices the kiosk drives (the device manager's statuses); none when absent. */
  readonly devices?: () => readonly DeviceStatus[];
  /** firmware-config/ (main/diagnostics/firmware-config-dir.ts). */
  readonly firmwareConfigDir: string;
  /** Scanners plugged in as keyboards; default: HID enumeration through node-hid. */
  readonly keyboardScanners?: (catalog: ProfileCatalog) => Promise<readonly KeyboardScanner[]>;
  readonly now?: () => number;
}

/** What the kernel and the device kind say about a device, for matching it to a profile. */
function hintsOf(info: DeviceInfo): DeviceHints {
  const ids = { ...(info.vendorId === undefined ? {} : { vendorId: info.vendorId }), ...(info.productId === undefined ? {} : { productId: info.productId }) };
  switch (info.kind) {
    case 'serial-scanner': {
      // A /dev/serial/by-id link says nothing of the transport; the tty it points to does.
      const transport = serialTransportOf(info.id) ?? serialTransportOf(resolved(info.id));
      return { ...ids, kind: 'scanner', ...(transport === undefined ? {} : { transport }) };
    }
    case 'hid-pos-scanner':
      return { ...ids, kind: 'scanner', transport: 'hid-pos' };
    case 'hid-relay':
      return { ...ids, kind: 'relay', transport: 'hid-feature' };
    case 'serial-relay':
    case 'modbus-relay':
      return { ...ids, kind: 'relay' };
    case 'chip-reader':
      // A PC/SC reader is known by its name, not by USB ids: a CCID profile matches by its class alone.
      return { ...ids, kind: 'card-reader', transport: 'ccid' };
  }
}

function resolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

async function hidKeyboardScanners(catalog: ProfileCatalog): Promise<readonly KeyboardScanner[]> {
  const { devices } = await discoverDevices({ catalog, hid: new NodeHidBinding(), holders: () => [] });
  return devices.flatMap((device) =>
    device.match?.mode.mode === 'keyboard' && device.vendorId !== undefined && device.productId !== undefined
      ? [
          {
            path: device.path,
            vendorId: device.vendorId,
            productId: device.productId,
            profileId: device.match.profile.id,
            model: `${device.match.profile.vendor} ${device.match.profile.model}`,
          },
        ]
      : [],
  );
}

/**
 * `KioskApi.getDiagnostics`. The profiles are loaded and their codes rendered once, on the
 * first call (a QR per code: a few milliseconds each); device states are read on every call.
 */
export class DiagnosticsService {
  private loaded: Promise<{ catalog?: ProfileCatalog; scanners: ScannerCodes[]; error?: string }> | undefined;

  constructor(private readonly options: DiagnosticsOptions) {}

  private load(): Promise<{ catalog?: ProfileCatalog; scanners: ScannerCodes[]; error?: string }> {
    this.loaded ??= (async () => {
      try {
        const catalog = loadProfileCatalog(this.options.firmwareConfigDir);
        return { catalog, scanners: await renderScannerCodes(catalog.profiles) };
      } catch (error) {
        return { scanners: [], error: messageOf(error) };
      }
    })();
    return this.loaded;
  }

  async getDiagnostics(): Promise<Diagnostics> {
    const { catalog, scanners, error } = await this.load();
    const devices = (this.options.devices?.() ?? []).map((status): DiagnosticsDevice => {
      const match = catalog === undefined ? undefined : matchProfile(catalog.profiles, hintsOf(status.info));
      const { info } = status;
      return {
        id: info.id,
        kind: info.kind,
        ...(info.vendorId === undefined ? {} : { vendorId: info.vendorId }),
        ...(info.productId === undefined ? {} : { productId: info.productId }),
        // The USB product string is the device's own text: shown without bidi or invisible characters.
        ...(info.product === undefined ? {} : { product: visibleText(info.product) }),
        state: status.state,
        ...(status.fault === undefined ? {} : { fault: status.fault }),
        ...(status.lastScanAt === undefined ? {} : { lastScanAt: status.lastScanAt }),
        ...(match === undefined ? {} : { profile: { id: match.profile.id, model: `${match.profile.vendor} ${match.profile.model}`, mode: match.mode.mode } }),
      };
    });
    let keyboardScanners: readonly KeyboardScanner[] = [];
    if (catalog !== undefined) {
      try {
        keyboardScanners = await (this.options.keyboardScanners ?? hidKeyboardScanners)(catalog);
      } catch {
        // No HID enumeration here (no hidraw): the screen simply lists no keyboard-mode scanner.
      }
    }
    return {
      at: toVietnamIso((this.options.now ?? Date.now)()),
      devices,
      keyboardScanners,
      scanners,
      ...(error === undefined ? {} : { profilesError: error }),
    };
  }
}
