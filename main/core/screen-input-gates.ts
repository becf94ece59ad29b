import type { InputGate, InputGates, ScreenInput } from '../../domain/contract/input-lanes.js';
import type { EntryDirection } from '../../domain/entries/entry-record.js';
import type { ScanSourceKind } from '../../domain/scan/scan-event.js';

/**
 * Where the page's own inputs stand: the lane and direction the core logs a wedge's or a
 * camera's entry with (devices.json `inputs`, else the kiosk's station), and the direction
 * staff switch on the operator screen. Anything else the page submits (a demo card, a typed
 * ID) was read at the screen, so it takes the wedge's: the screen's own lane.
 *
 * A switch lasts until the kiosk restarts, by design: devices.json says how the gate is set up,
 * a restart returns to it, and the staff screen always shows what is in force.
 */
export class ScreenInputGates {
  #gates: Record<ScreenInput, InputGate>;

  constructor(configured: Partial<Record<ScreenInput, InputGate>>, station: InputGate) {
    this.#gates = {
      wedge: configured.wedge ?? { lane: station.lane, direction: station.direction },
      camera: configured.camera ?? { lane: station.lane, direction: station.direction },
    };
  }

  /** The lane and direction of a scan the page submitted from `kind`. */
  gateOf(kind: ScanSourceKind): InputGate {
    return kind === 'camera' ? this.#gates.camera : this.#gates.wedge;
  }

  get current(): InputGates {
    return this.#gates;
  }

  /** Staff chose which way people now pass the screen: both inputs, each on its own lane. */
  setDirection(direction: EntryDirection): InputGates {
    this.#gates = {
      wedge: { ...this.#gates.wedge, direction },
      camera: { ...this.#gates.camera, direction },
    };
    return this.#gates;
  }
}
