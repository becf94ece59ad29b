import type { DataAgeLine } from '../../domain/contract/kiosk-status.js';
import { byId } from './dom.js';

/**
 * The device-fault line of the idle and verdict screens: "⚠ Máy quét /dev/ttyACM0 bị rút ra
 * · Scanner /dev/ttyACM0 unplugged", worded by the core (describeDevices), hidden while every
 * device works. One element outside the screens, shown by CSS on those two.
 */
export function setDeviceLine(line: DataAgeLine | undefined): void {
  const element = byId('device-line');
  element.hidden = line === undefined;
  if (line === undefined) {
    delete element.dataset.level;
    return;
  }
  element.dataset.level = line.level;
  byId('device-line-glyph').textContent = line.glyph;
  byId('device-line-vi').textContent = line.vi;
  byId('device-line-en').textContent = line.en;
}
