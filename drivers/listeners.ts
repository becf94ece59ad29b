/**
 * A listener list that keeps the driver alive when a listener throws (used by the HID, serial
 * and relay drivers). The exception is rethrown on a fresh microtask (so the core's
 * uncaught-exception handling still sees it) instead of unwinding into the transport's read
 * callback, where node-hid or serialport would turn it into an 'error' event — and the driver
 * would report a listener's bug as an unplugged scanner.
 */
export class Listeners<T extends unknown[]> {
  readonly #listeners: ((...args: T) => void)[] = [];

  add(listener: (...args: T) => void): void {
    this.#listeners.push(listener);
  }

  emit(...args: T): void {
    for (const listener of this.#listeners) {
      try {
        listener(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  clear(): void {
    this.#listeners.length = 0;
  }
}
