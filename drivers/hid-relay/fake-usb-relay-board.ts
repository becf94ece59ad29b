import type { HidDeviceDescriptor } from '../hid/hid-binding.js';
import type { FakeHidBinding, FakeHidDevice } from '../hid/fake-hid-binding.js';
import { RELAY_FEATURE_REPORT_LENGTH, USB_RELAY_PRODUCT_ID, USB_RELAY_VENDOR_ID } from './usb-relay-protocol.js';

/**
 * A USBRelayN board emulated on a FakeHidDevice: it obeys the same feature reports as the real
 * board and answers GET_REPORT with its id and state, so the conformance tests that run against
 * a real board (CHOT_TEST_HID_RELAY) run unchanged against this in CI.
 */
export class FakeUsbRelayBoard {
  readonly device: FakeHidDevice;
  readonly channels: number;
  /** Every state the board went through, as bit masks (bit 0 = channel 1), starting with the power-on state. */
  readonly history: number[];
  #mask: number;

  constructor(device: FakeHidDevice, channels: number, boardId = 'CHOT1', initialMask = 0) {
    this.device = device;
    this.channels = channels;
    this.#mask = initialMask;
    this.history = [initialMask];
    device.onFeatureReport = (report) => this.#obey(report);
    device.featureReportResponder = (reportId, length) => {
      const answer = new Uint8Array(Math.max(length, RELAY_FEATURE_REPORT_LENGTH));
      answer[0] = reportId;
      for (let index = 0; index < 5; index += 1) answer[1 + index] = boardId.charCodeAt(index) || 0;
      answer[8] = this.#mask;
      return answer.subarray(0, length);
    };
  }

  /** Plugs a `USBRelay<channels>` board into `binding` at `path`. */
  static plug(binding: FakeHidBinding, path: string, channels: number, options: { boardId?: string; initialMask?: number } = {}): FakeUsbRelayBoard {
    const descriptor: HidDeviceDescriptor = {
      path,
      vendorId: USB_RELAY_VENDOR_ID,
      productId: USB_RELAY_PRODUCT_ID,
      manufacturer: 'www.dcttech.com',
      product: `USBRelay${channels}`,
      serialNumber: '',
      // V-USB boards declare a vendor-defined page; it is the product string that identifies them.
      usagePage: 0xff00,
      usage: 0x01,
    };
    return new FakeUsbRelayBoard(binding.plug(descriptor), channels, options.boardId, options.initialMask);
  }

  get mask(): number {
    return this.#mask;
  }

  isOn(channel: number): boolean {
    return (this.#mask & (1 << (channel - 1))) !== 0;
  }

  #obey(report: Uint8Array): void {
    if (report[0] !== 0) return;
    const channel = report[2] ?? 0;
    const bit = channel >= 1 && channel <= this.channels ? 1 << (channel - 1) : 0;
    const all = (1 << this.channels) - 1;
    switch (report[1]) {
      case 0xff:
        this.#set(this.#mask | bit);
        return;
      case 0xfd:
        this.#set(this.#mask & ~bit);
        return;
      case 0xfe:
        this.#set(all);
        return;
      case 0xfc:
        this.#set(0);
        return;
    }
  }

  #set(mask: number): void {
    this.#mask = mask;
    this.history.push(mask);
  }
}
