import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceFault } from '../../../../drivers/device.js';
import { SerialRelayDriver } from '../../../../drivers/relay/serial-relay-driver.js';
import { NodeSerialTransport } from '../../../../drivers/serial/node-serial-transport.js';
import { SocatPty } from '../../../support/socat-pty.js';

/** Serial relays over a real pty (socat, serialport): the bytes the board receives, exactly. */
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('SerialRelayDriver over a real pty (socat, serialport)', { timeout: 20_000 }, () => {
  let pty: SocatPty;

  beforeEach(async () => {
    pty = await SocatPty.start({ name: 'relay' });
  });

  afterEach(async () => {
    await pty.stop();
  });

  it('CH340: all off at open, then exactly one on and one off for a pulse, all off at close', async () => {
    const relay = await new SerialRelayDriver({ transport: new NodeSerialTransport(), protocol: { kind: 'ch340' } }).open({
      id: pty.path,
      kind: 'serial-relay',
    });
    expect(hex(await pty.waitForReceived(4))).toBe('a00100a1');
    await relay.pulse(1, 100);
    expect(hex(await pty.waitForReceived(12))).toBe('a00100a1' + 'a00101a2' + 'a00100a1');
    await relay.close();
    expect(hex(await pty.waitForReceived(16))).toBe('a00100a1' + 'a00101a2' + 'a00100a1' + 'a00100a1');
  });

  it('Modbus RTU unit 1: function 05 frames, byte for byte', async () => {
    const relay = await new SerialRelayDriver({ transport: new NodeSerialTransport(), protocol: { kind: 'modbus', unitId: 1 } }).open({
      id: pty.path,
      kind: 'modbus-relay',
    });
    await relay.pulse(1, 50);
    await relay.close();
    expect(hex(await pty.waitForReceived(32))).toBe('010500000000cdca' + '01050000ff008c3a' + '010500000000cdca' + '010500000000cdca');
  });

  it('socat killed: unplugged fault, pulses refused; restarted: all off again, then pulses work', async () => {
    const relay = await new SerialRelayDriver({ transport: new NodeSerialTransport(), protocol: { kind: 'ch340' } }).open({
      id: pty.path,
      kind: 'serial-relay',
    });
    const faults: DeviceFault[] = [];
    const ready = new Promise<void>((resolve) => relay.onReady?.(resolve));
    const faulted = new Promise<void>((resolve) => relay.onFault((fault) => resolve(void faults.push(fault))));
    await pty.waitForReceived(4);
    await pty.kill();
    await faulted;
    expect(faults.map((fault) => fault.kind)).toEqual(['unplugged']);
    await expect(relay.pulse(1, 100)).rejects.toMatchObject({ name: 'DeviceFault', kind: 'unplugged' });
    pty.clearReceived();
    await pty.restart();
    await ready;
    expect(hex(await pty.waitForReceived(4))).toBe('a00100a1');
    await relay.pulse(1, 50);
    expect(hex(await pty.waitForReceived(12))).toBe('a00100a1' + 'a00101a2' + 'a00100a1');
    await relay.close();
  });
});
