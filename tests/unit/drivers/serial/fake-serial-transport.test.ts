import { describe, expect, it } from 'vitest';
import { FakeSerialTransport } from '../../../../drivers/serial/fake-serial-transport.js';
import { SERIAL_9600_8N1 } from '../../../../drivers/serial/serial-transport.js';

const PATH = '/dev/ttyUSB0';

async function openPort() {
  const transport = new FakeSerialTransport();
  transport.plug({ path: PATH });
  return { transport, connection: await transport.open(PATH, SERIAL_9600_8N1) };
}

// The fake holds drivers to what a real port allows (as @serialport/binding-mock does), so a
// driver that relied on leniency would fail its tests instead of a port at a gate.
describe('FakeSerialTransport invariants', () => {
  it('rejects a write issued while the previous one has not completed, and records only the first', async () => {
    const { transport, connection } = await openPort();
    const first = connection.write(Uint8Array.of(1));
    await expect(connection.write(Uint8Array.of(2))).rejects.toThrow(/Overlapping writes/);
    await first;
    expect(transport.written(PATH)).toEqual([Uint8Array.of(1)]);
  });

  it('accepts writes one after the other', async () => {
    const { transport, connection } = await openPort();
    await connection.write(Uint8Array.of(1));
    await connection.write(Uint8Array.of(2));
    expect(transport.written(PATH)).toEqual([Uint8Array.of(1), Uint8Array.of(2)]);
  });

  it('rejects a write to a closed port, and a write cut short by the port closing', async () => {
    const { transport, connection } = await openPort();
    const cut = connection.write(Uint8Array.of(1));
    await connection.close();
    await expect(cut).rejects.toMatchObject({ code: 'EBADF' });
    await expect(connection.write(Uint8Array.of(2))).rejects.toMatchObject({ code: 'EBADF' });
    expect(transport.written(PATH)).toEqual([]);
  });

  it('rejects a write after an unplug', async () => {
    const { transport, connection } = await openPort();
    transport.unplug(PATH);
    await expect(connection.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'EBADF' });
  });

  it('records a copy: the caller reusing its buffer does not rewrite history', async () => {
    const { transport, connection } = await openPort();
    const buffer = Uint8Array.of(7);
    await connection.write(buffer);
    buffer[0] = 8;
    expect(transport.written(PATH)).toEqual([Uint8Array.of(7)]);
  });
});
