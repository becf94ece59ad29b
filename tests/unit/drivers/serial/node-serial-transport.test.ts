import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as TransportModule from '../../../../drivers/serial/node-serial-transport.js';
import type * as ScannerModule from '../../../../drivers/serial/serial-scanner-driver.js';

/**
 * NodeSerialTransport without hardware: serialport replaced per test (vi.doMock, fresh module
 * graph), to check what the real binding cannot be made to do on demand.
 */
afterEach(() => {
  vi.doUnmock('serialport');
  vi.resetModules();
});

async function load(): Promise<{
  NodeSerialTransport: typeof TransportModule.NodeSerialTransport;
  SerialScannerDriver: typeof ScannerModule.SerialScannerDriver;
}> {
  vi.resetModules();
  const { NodeSerialTransport } = await import('../../../../drivers/serial/node-serial-transport.js');
  const { SerialScannerDriver } = await import('../../../../drivers/serial/serial-scanner-driver.js');
  return { NodeSerialTransport, SerialScannerDriver };
}

describe('NodeSerialTransport', () => {
  it('a native binding that cannot load is an open-failed fault, not a crash of the core', async () => {
    vi.doMock('serialport', () => {
      throw new Error('No native build was found for platform=linux arch=x64 runtime=electron');
    });
    const { NodeSerialTransport, SerialScannerDriver } = await load();
    const driver = new SerialScannerDriver({ transport: new NodeSerialTransport() });
    await expect(driver.open({ id: '/dev/ttyACM0', kind: 'serial-scanner' })).rejects.toMatchObject({
      name: 'DeviceFault',
      kind: 'open-failed',
      message: expect.stringMatching(/^cannot open \/dev\/ttyACM0: /),
    });
  });

  it('lists ports with USB ids as 4 lowercase hex digits, and without empty strings', async () => {
    const SerialPort = {
      list: async () => [
        { path: '/dev/ttyACM0', vendorId: '0C2E', productId: 'b61', manufacturer: 'Honeywell', serialNumber: '', pnpId: undefined, locationId: undefined },
        {
          path: '/dev/ttyS0',
          vendorId: undefined,
          productId: undefined,
          manufacturer: undefined,
          serialNumber: undefined,
          pnpId: undefined,
          locationId: undefined,
        },
      ],
    };
    // serialport is CommonJS: the transport accepts its exports either way.
    vi.doMock('serialport', () => ({ SerialPort, default: { SerialPort } }));
    const { NodeSerialTransport } = await load();
    expect(await new NodeSerialTransport().list()).toEqual([
      { path: '/dev/ttyACM0', vendorId: '0c2e', productId: '0b61', manufacturer: 'Honeywell', serialNumber: undefined },
      { path: '/dev/ttyS0', vendorId: undefined, productId: undefined, manufacturer: undefined, serialNumber: undefined },
    ]);
  });
});
