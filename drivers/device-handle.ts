import type { ScanEvent } from '../domain/scan/scan-event.js';
import type { DeviceKeeper, KeptConnection } from './device-keeper.js';
import type { DeviceFault, DeviceState, ScannerHandle } from './device.js';
import { Listeners } from './listeners.js';

/**
 * What every open handle (scanner or relay, serial or HID) has in common: a DeviceKeeper for
 * its life cycle, fault and ready listeners, and a close() that lets the handle finish its
 * own work (drop a half scan, switch a relay off) before the keeper releases the device.
 * Subclasses create `keeper` in their constructor, handing it `...this.keeperEvents`.
 */
export abstract class KeptDeviceHandle<C extends KeptConnection> {
  protected abstract readonly keeper: DeviceKeeper<C>;
  readonly #faults = new Listeners<[DeviceFault]>();
  readonly #ready = new Listeners<[]>();
  /** The keeper's callbacks: its faults and recoveries reach this handle's listeners (through `faulted`, which subclasses extend). */
  protected readonly keeperEvents = {
    onFault: (fault: DeviceFault): void => this.faulted(fault),
    onReady: (): void => this.becameReady(),
  };

  get state(): DeviceState {
    return this.keeper.state;
  }

  /** The first open: rejects with a typed fault instead of retrying. */
  async start(): Promise<void> {
    await this.keeper.open();
  }

  onFault(listener: (fault: DeviceFault) => void): void {
    this.#faults.add(listener);
  }

  onReady(listener: () => void): void {
    this.#ready.add(listener);
  }

  /** The device is released and the listeners dropped even when `beforeRelease` fails; its failure is then thrown. */
  async close(): Promise<void> {
    let failure: unknown;
    let failed = false;
    try {
      await this.beforeRelease();
    } catch (error) {
      failed = true;
      failure = error;
    }
    await this.keeper.close();
    this.clearListeners();
    if (failed) throw failure;
  }

  /** The handle's last words to the device while it is still open (a relay: all off). */
  protected abstract beforeRelease(): Promise<void>;

  /** The keeper lost the device (or a scan was spoiled): tell the listeners. Subclasses clean up first. */
  protected faulted(fault: DeviceFault): void {
    this.#faults.emit(fault);
  }

  protected becameReady(): void {
    this.#ready.emit();
  }

  protected clearListeners(): void {
    this.#faults.clear();
    this.#ready.clear();
  }
}

/** A kept handle that also delivers scans. */
export abstract class KeptScannerHandle<C extends KeptConnection, S extends ScanEvent = ScanEvent> extends KeptDeviceHandle<C> implements ScannerHandle {
  readonly #scans = new Listeners<[S]>();

  onScan(listener: (scan: S) => void): void {
    this.#scans.add(listener);
  }

  protected scanned(scan: S): void {
    this.#scans.emit(scan);
  }

  protected override clearListeners(): void {
    super.clearListeners();
    this.#scans.clear();
  }
}
