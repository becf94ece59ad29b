import { KeptDeviceHandle } from './device-handle.js';
import type { KeptConnection } from './device-keeper.js';
import { DeviceFault, type RelayHandle } from './device.js';
import { RelayPulser } from './relay-pulser.js';

/**
 * A relay board kept open by a DeviceKeeper and pulsed by a RelayPulser: subclasses only say
 * how a command is encoded (`command`, `allOffCommand`) and written (`write`, which reports a
 * failed write to the keeper).
 */
export abstract class KeptRelayHandle<C extends KeptConnection> extends KeptDeviceHandle<C> implements RelayHandle {
  readonly channels: number;
  readonly #deviceId: string;
  readonly #pulser: RelayPulser;

  constructor(deviceId: string, channels: number, maxPulseMs: number) {
    super();
    this.#deviceId = deviceId;
    this.channels = channels;
    this.#pulser = new RelayPulser(
      {
        requireReady: () => void this.requireConnection(),
        send: (channel, on) => this.write(this.requireConnection(), this.command(channel, on)),
        allOff: () => this.write(this.requireConnection(), this.allOffCommand()),
      },
      { channels, maxPulseMs },
    );
  }

  /** Closes channel `channel` for `ms` milliseconds; resolves once it is open again. */
  pulse(channel: number, ms: number): Promise<void> {
    return this.#pulser.pulse(channel, ms);
  }

  allOff(): Promise<void> {
    return this.#pulser.allOff();
  }

  /** All off before the port is released: the gate never stays open after the kiosk exits. */
  protected override beforeRelease(): Promise<void> {
    return this.#pulser.close(this.keeper.connection !== undefined);
  }

  /** The board is gone: pending pulses fail; on reopen every channel is switched off before anything else. */
  protected override faulted(fault: DeviceFault): void {
    this.#pulser.abandon(fault);
    super.faulted(fault);
  }

  protected requireConnection(): C {
    const connection = this.keeper.connection;
    if (connection === undefined) {
      throw new DeviceFault(this.keeper.faultKind ?? 'unplugged', this.#deviceId, `relay ${this.keeper.path} is not available (${this.keeper.state})`);
    }
    return connection;
  }

  protected abstract command(channel: number, on: boolean): Uint8Array;
  protected abstract allOffCommand(): Uint8Array;
  /** Writes one command; a failure is reported to the keeper (which reopens) and rejects typed. */
  protected abstract write(connection: C, command: Uint8Array): Promise<void>;
}
