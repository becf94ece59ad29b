import { describe, expect, it } from 'vitest';
import { transmitT0 } from '../../../../drivers/chip/t0-responses.js';

/** A T=0 card scripted as a list of (expected command → answer), in order. */
function scripted(exchanges: [string, string][]): { send: (apdu: Uint8Array) => Promise<Uint8Array>; sent: string[] } {
  const sent: string[] = [];
  let index = 0;
  return {
    sent,
    send: async (apdu) => {
      const command = Buffer.from(apdu).toString('hex').toUpperCase();
      sent.push(command);
      const exchange = exchanges[index];
      index += 1;
      if (exchange === undefined || exchange[0] !== command) throw new Error(`unexpected command ${command}`);
      return Uint8Array.from(Buffer.from(exchange[1], 'hex'));
    },
  };
}

const bytes = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex').toUpperCase();

describe('T=0 responses (ISO/IEC 7816-3)', () => {
  it('a plain answer passes through with one command', async () => {
    const card = scripted([['00A4040C07A0000002471001', '9000']]);
    expect(hex(await transmitT0(bytes('00A4040C07A0000002471001'), card.send))).toBe('9000');
    expect(card.sent).toHaveLength(1);
  });

  it('61 XX: the data is fetched with GET RESPONSE (Le = XX), over several rounds, and joined before the last SW', async () => {
    const card = scripted([
      ['0084000008', '6108'],
      ['00C0000008', '01020304050607086104'],
      ['00C0000004', 'A1A2A3A49000'],
    ]);
    expect(hex(await transmitT0(bytes('0084000008'), card.send))).toBe('0102030405060708A1A2A3A49000');
  });

  it('GET RESPONSE keeps the logical channel and drops the secure-messaging bits of the command', async () => {
    const card = scripted([
      ['0DB0000000', '6102'],
      ['01C0000002', 'AABB9000'],
    ]);
    expect(hex(await transmitT0(bytes('0DB0000000'), card.send))).toBe('AABB9000');
  });

  it('6C XX: the same command again with Le = XX', async () => {
    const card = scripted([
      ['00B09C0000', '6C16'],
      ['00B09C0016', `${'31'.repeat(22)}9000`],
    ]);
    expect(hex(await transmitT0(bytes('00B09C0000'), card.send))).toBe(`${'31'.repeat(22)}9000`);
  });

  it('6C XX to a command without Le is returned as it is', async () => {
    const card = scripted([['00A4040C07A0000002471001', '6C10']]);
    expect(hex(await transmitT0(bytes('00A4040C07A0000002471001'), card.send))).toBe('6C10');
  });

  it('a card that never stops asking for GET RESPONSE is refused, not followed forever', async () => {
    let calls = 0;
    const send = async (): Promise<Uint8Array> => {
      calls += 1;
      return bytes('AA6101');
    };
    await expect(transmitT0(bytes('00B0000000'), send)).rejects.toThrow(/more than 64 GET RESPONSEs/);
    expect(calls).toBe(65);
  });
});
