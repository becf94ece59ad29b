import { linesLogger } from '../../../support/memory-logger.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startKioskRuntime } from '../../../../main/core/kiosk-runtime.js';
import { resolveDevicesConfig } from '../../../../main/devices/device-setup.js';
import { parseDevicesConfig } from '../../../../main/devices/devices-file.js';
import { tempDataDir } from '../../../support/kiosk-process.js';

describe('devices.json wedge thresholds', () => {
  it('reads the keyboard-wedge framing thresholds', () => {
    const config = parseDevicesConfig(JSON.stringify({ wedge: { maxInterKeyMs: 80, minLength: 10, suffixKey: 'Tab', maxLength: 4096 } }));
    expect(config.wedge).toEqual({ maxInterKeyMs: 80, minLength: 10, suffixKey: 'Tab', maxLength: 4096 });
    expect(parseDevicesConfig('{}').wedge).toBeUndefined();
  });

  it.each([
    [{ maxInterKeyMs: 0 }, 'devices.json: wedge.maxInterKeyMs: 0 must be a whole number from 5 to 500'],
    [{ maxInterKeyMs: 12.5 }, 'wedge.maxInterKeyMs: 12.5 must be a whole number'],
    [{ minLength: '6' }, 'wedge.minLength: "6" must be a whole number from 1 to 100'],
    [{ maxLength: 100_000 }, 'wedge.maxLength: 100000 must be a whole number from 16 to 8192'],
    [{ suffixKey: 'Space' }, 'wedge.suffixKey: "Space" is not Enter or Tab'],
    [{ interKey: 50 }, 'wedge: unknown field "interKey"'],
    [{ minLength: 40, maxLength: 20 }, 'wedge: minLength 40 is above maxLength 20'],
    [[50], 'wedge must be an object'],
  ])('refuses %j, naming the field', (wedge, message) => {
    expect(() => parseDevicesConfig(JSON.stringify({ wedge }))).toThrow(message);
  });

  it('reaches the renderer through KioskInfo, over the defaults, with --device flags beside it', async () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, 'devices.json'), JSON.stringify({ wedge: { maxInterKeyMs: 90 } }));
    const runtime = await startKioskRuntime({ dataDir, logger: linesLogger(() => {}), devicesConfig: resolveDevicesConfig(dataDir, []) });
    try {
      const info = await runtime.core.getKioskInfo();
      expect(info.wedge).toEqual({ maxInterKeyMs: 90, minLength: 6, suffixKey: 'Enter', maxLength: 8192 });
    } finally {
      await runtime.close();
    }
  });
});
