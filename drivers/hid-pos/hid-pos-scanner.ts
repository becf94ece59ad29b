import type { ScanEvent } from '../../domain/scan/scan-event.js';
import { KeptScannerHandle } from '../device-handle.js';
import { DeviceFault, type DeviceInfo, type ScannerDriver } from '../device.js';
import { hex4, hidDeviceInfo, present, type HidBinding, type HidConnection, type HidDeviceDescriptor } from '../hid/hid-binding.js';
import { enumerateHid, hidKeeper, type HidKeeper, type HidKeeperTimings } from '../hid/hid-keeper.js';
import { DEFAULT_REPORT_GAP_MS, HidPosAssembler, type AssemblerResult } from './report-assembler.js';
import { layoutForVendor, type HidPosLayout } from './report-layouts.js';

/** HID Point of Sale Usage Tables 1.02: usage page 0x8C, Bar Code Scanner. */
export const USAGE_PAGE_BAR_CODE_SCANNER = 0x8c;
/**
 * Application collections of page 0x8C that deliver scanned data: 0x01 Bar Code Badge
 * Reader, 0x02 Bar Code Scanner, 0x03 Dumb Bar Code Scanner, 0x04 Cordless Scanner Base,
 * 0x05 Bar Code Scanner Cradle.
 */
const SCANNER_USAGES: ReadonlySet<number> = new Set([0x01, 0x02, 0x03, 0x04, 0x05]);

/** A scan from a HID-POS scanner: the symbology is known, and kept out of the text. */
export interface HidPosScanEvent extends ScanEvent {
  readonly symbology?: { readonly aim?: string | undefined; readonly codeId?: string | undefined };
}

export interface HidPosScannerOptions extends HidKeeperTimings {
  /** Longest wait between two reports of one bar code. */
  readonly reportGapMs?: number;
  /** The report layout for a device; by default chosen by USB vendor id. */
  readonly layoutFor?: (info: DeviceInfo) => HidPosLayout;
  readonly now?: () => number;
}

export function isHidPosScanner(device: HidDeviceDescriptor): boolean {
  // Enumeration without usages (hidapi's libusb backend) cannot tell a scanner from a keyboard: not listed.
  return device.usagePage === USAGE_PAGE_BAR_CODE_SCANNER && device.usage !== undefined && SCANNER_USAGES.has(device.usage);
}

export class HidPosScannerDriver implements ScannerDriver {
  readonly #binding: HidBinding;
  readonly #options: HidPosScannerOptions;
  /** Paths held by this driver's handles, so a replugged twin is never opened twice. */
  readonly #claimed = new Set<string>();

  constructor(binding: HidBinding, options: HidPosScannerOptions = {}) {
    this.#binding = binding;
    this.#options = options;
  }

  async list(): Promise<DeviceInfo[]> {
    const devices = await enumerateHid(this.#binding, 'hid-pos');
    const seen = new Set<string>();
    const found: DeviceInfo[] = [];
    for (const device of devices) {
      if (!isHidPosScanner(device) || seen.has(device.path)) continue;
      seen.add(device.path);
      found.push(hidDeviceInfo(device, 'hid-pos-scanner'));
    }
    return found;
  }

  async open(info: DeviceInfo): Promise<HidPosScannerHandle> {
    if (info.kind !== 'hid-pos-scanner') throw new DeviceFault('open-failed', info.id, `not a HID-POS scanner: ${info.kind}`);
    const layout = this.#options.layoutFor?.(info) ?? layoutForVendor(info.vendorId === undefined ? undefined : Number.parseInt(info.vendorId, 16));
    const handle = new HidPosScannerHandle(this.#binding, info, layout, this.#claimed, this.#options);
    await handle.start();
    return handle;
  }
}

export class HidPosScannerHandle extends KeptScannerHandle<HidConnection, HidPosScanEvent> {
  protected readonly keeper: HidKeeper;
  readonly #info: DeviceInfo;
  readonly #assembler: HidPosAssembler;
  readonly #now: () => number;
  readonly #gapMs: number;
  #gapTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(binding: HidBinding, info: DeviceInfo, layout: HidPosLayout, claimed: Set<string>, options: HidPosScannerOptions) {
    super();
    this.#info = info;
    this.#now = options.now ?? Date.now;
    this.#gapMs = options.reportGapMs ?? DEFAULT_REPORT_GAP_MS;
    this.#assembler = new HidPosAssembler(layout, { gapMs: this.#gapMs });
    this.keeper = hidKeeper({
      binding,
      deviceId: info.id,
      path: info.id,
      matches: (candidate) => isHidPosScanner(candidate) && sameDevice(info, candidate),
      claimed,
      setup: async (connection) => this.#listen(connection),
      watchPresence: false,
      timings: options,
      ...this.keeperEvents,
    });
  }

  get layout(): HidPosLayout {
    return this.#assembler.layout;
  }

  protected override faulted(fault: DeviceFault): void {
    // Whatever half a bar code arrived before the fault can never be completed.
    this.#dropPartial();
    super.faulted(fault);
  }

  protected async beforeRelease(): Promise<void> {
    this.#dropPartial();
  }

  #listen(connection: HidConnection): void {
    connection.onData((report) => {
      // A report from a connection the keeper has already given up on is stale.
      if (this.keeper.connection === connection) this.#onReport(report);
    });
  }

  #onReport(report: Uint8Array): void {
    const nowMs = this.#now();
    const result = this.#assembler.push(report, nowMs);
    if (result.droppedPartial) this.#protocolFault('an incomplete bar code was dropped: its next report came too late');
    this.#handle(result, nowMs);
  }

  #handle(result: AssemblerResult, nowMs: number): void {
    switch (result.kind) {
      case 'ignored':
        return;
      case 'malformed':
        this.#clearGapTimer();
        this.#protocolFault(`malformed scanned-data report (${this.#assembler.layout.name} layout): ${result.detail}`);
        return;
      case 'partial':
        this.#armGapTimer();
        return;
      case 'barcode': {
        this.#clearGapTimer();
        const { barcode } = result;
        const symbology = barcode.aim === undefined && barcode.codeId === undefined ? undefined : { aim: barcode.aim, codeId: barcode.codeId };
        this.scanned({
          source: { kind: 'hid-pos', deviceId: this.#info.id },
          // Decoded by us as UTF-8 (never by a keyboard layout). Lenient here so the screen can
          // show something; the credential parser decodes `bytes` strictly and refuses bad UTF-8.
          text: LENIENT_UTF8.decode(barcode.bytes),
          bytes: barcode.bytes,
          ...(barcode.overflow ? { overflow: true } : {}),
          ...(symbology === undefined ? {} : { symbology }),
          at: new Date(nowMs).toISOString(),
        });
      }
    }
  }

  #armGapTimer(): void {
    this.#clearGapTimer();
    // Without this, a bar code whose last report never comes would sit until the next scan.
    this.#gapTimer = setTimeout(() => {
      this.#gapTimer = undefined;
      if (this.#assembler.expire(this.#now())) this.#protocolFault('an incomplete bar code was dropped: its last report never came');
      else if (this.#assembler.pending) this.#armGapTimer();
    }, this.#gapMs + 1);
    this.#gapTimer.unref?.();
  }

  #clearGapTimer(): void {
    if (this.#gapTimer !== undefined) clearTimeout(this.#gapTimer);
    this.#gapTimer = undefined;
  }

  #dropPartial(): void {
    this.#clearGapTimer();
    this.#assembler.reset();
  }

  /** A bad report spoils one scan, not the device: it is reported, and the scanner stays ready. */
  #protocolFault(message: string): void {
    super.faulted(new DeviceFault('protocol', this.#info.id, message));
  }
}

const LENIENT_UTF8 = new TextDecoder('utf-8');

/** The same scanner after a replug: same USB ids, and the same serial number when it has one. */
function sameDevice(info: DeviceInfo, candidate: HidDeviceDescriptor): boolean {
  if (info.vendorId !== undefined && info.vendorId !== hex4(candidate.vendorId)) return false;
  if (info.productId !== undefined && info.productId !== hex4(candidate.productId)) return false;
  return info.serialNumber === undefined || info.serialNumber === present(candidate.serialNumber);
}
