import { describe, expect, it } from 'vitest';
import { nodeChipCrypto as crypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { ChipError } from '../../../../domain/chip/apdu.js';
import { concatBytes } from '../../../../domain/chip/bytes.js';
import { retailMac } from '../../../../domain/chip/mac.js';
import { SecureMessaging, SecureMessagingError } from '../../../../domain/chip/secure-messaging.js';
import type { SessionKeys } from '../../../../domain/chip/secure-messaging.js';
import { encodeTlv, readTlvs } from '../../../../domain/chip/tlv.js';
import { CardSecureMessaging } from '../../../support/chip-card-sm.js';
import { bytesOfHex, hexOfBytes } from '../../../support/hex.js';

const hex = bytesOfHex;
const toHex = (bytes: Uint8Array): string => hexOfBytes(bytes).toUpperCase();

// ICAO 9303-11 Appendix D.3/D.4: the BAC session keys and SSC of the worked example.
const ICAO_SESSION: SessionKeys = {
  cipher: '3DES',
  kEnc: hex('979EC13B1CBFE9DCD01AB0FED307EAE5'),
  kMac: hex('F1CB1F1FB5ADF208806B89DC579DC1F8'),
  ssc: hex('887022120C06C226'),
};

const selectEfCom = { cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: hex('011E') };

describe('secure messaging with 3DES: ICAO 9303-11 Appendix D.4 byte for byte', () => {
  it('SELECT EF.COM, READ BINARY of 4 bytes, READ BINARY of the remaining 18, SSC stepping by one per APDU', () => {
    const sm = new SecureMessaging(ICAO_SESSION, crypto);
    expect(toHex(sm.wrap(selectEfCom, 'SELECT'))).toBe('0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800');
    expect(toHex(sm.ssc)).toBe('887022120C06C227');
    const selected = sm.unwrap(hex('990290008E08FA855A5D4C50A8ED9000'), 'SELECT');
    expect(selected.sw).toBe(0x9000);
    expect(selected.data.length).toBe(0);
    expect(toHex(sm.ssc)).toBe('887022120C06C228');

    expect(toHex(sm.wrap({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, le: 4 }, 'READ'))).toBe('0CB000000D9701048E08ED6705417E96BA5500');
    expect(toHex(sm.ssc)).toBe('887022120C06C229');
    const head = sm.unwrap(hex('8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000'), 'READ');
    expect(toHex(head.data)).toBe('60145F01');
    expect(toHex(sm.ssc)).toBe('887022120C06C22A');

    expect(toHex(sm.wrap({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x04, le: 18 }, 'READ'))).toBe('0CB000040D9701128E082EA28A70F3C7B53500');
    expect(toHex(sm.ssc)).toBe('887022120C06C22B');
    const rest = sm.unwrap(hex('871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000'), 'READ');
    expect(toHex(rest.data)).toBe('04303130365F36063034303030305C026175');
    expect(toHex(sm.ssc)).toBe('887022120C06C22C');
  });
});

describe('secure messaging with AES (vectors of gmrtd, iso7816/secure_messaging_test.go)', () => {
  it('wraps MSE:Set AT with IV = E(KSenc, SSC) and an 8-byte CMAC', () => {
    const sm = new SecureMessaging(
      {
        cipher: 'AES-128',
        kEnc: hex('cc86415f2ed7e8fd663b754265695ae1'),
        kMac: hex('581e84b8ee06c4d3eee30461498d7fb3'),
        ssc: hex('000000000000000000000000000000ba'),
      },
      crypto,
    );
    const wrapped = sm.wrap({ cla: 0x00, ins: 0x22, p1: 0x41, p2: 0xa4, data: hex('800a04007f000702020302028401c3') }, 'MSE');
    expect(toHex(wrapped)).toBe('0C2241A41D871101980953D37F67558690045D78A853B18A8E08929767A2CEF172E200');
    expect(toHex(sm.ssc)).toBe('000000000000000000000000000000BB');
  });

  it('unwraps a 224-byte response (DO 87 with a long length)', () => {
    const sm = new SecureMessaging(
      {
        cipher: 'AES-128',
        kEnc: hex('a8e85e938514ec67ae33cda3d43d3c48'),
        kMac: hex('27f1adeb705a049a305b0c619b14b9b3'),
        ssc: hex('0000000000000000000000000000000b'),
      },
      crypto,
    );
    const response = sm.unwrap(
      hex(
        '8781e1012fabf9e0655d7e987fd28a8aeb19c9cadd990d49399799ed1fe465bcea56da9ba3024291d40d23d7f1e00485d71faddc6d8c1382e8028dd22efdcc72ed47663d56d20dd6c4b867956fe0507313083ae7fc54fb46133f184febbe13ad6fd3e2616a1f4a829e75ada1a0e443ca738288f6014be8a7745d8259b089e6bee35bcc4bf5b63db5fdd84244f67eca099213b70a861b4487225aa68af684278fceb4cb809de42be3ee95b0e0d72bcdb0ed47cb56efc264e04a9397a90e81ad1d81efa2d14b2ca8ec7bd997f4b1c1fd344d5dee8589c38b227ca4cb35810060a7cc76403e990290008e083eb47ef4fa82afc99000',
      ),
      'READ',
    );
    expect(response.sw).toBe(0x9000);
    expect(toHex(response.data)).toBe(
      'a729901d1a71874700133107ec53306404307bc382c63d8c150c3c72080ace05afa0c2bea28e4fb22787139165efba91f90f8aa5814a503ad4eb04a8c7dd22ce2826043004a8c7dd22ce28268b39b55416f0447c2fb77de107dcd2a62e880ea53eeb62d57cb4390295dbc9943ab78696fa504c110461041d1c64f068cf45ffa2a63a81b7c13f6b8847a3e77ef14fe3db7fcafe0cbd10e8e826e03436d646aaef87b2e247d4af1e8abe1d7520f9c2a45cb1eb8e95cfd55262b70b29feec5864e19c054ff99129280e4646217791811142820341263c53150231008cb91e82a3'.toUpperCase(),
    );
    expect(toHex(sm.ssc)).toBe('0000000000000000000000000000000C');
  });

  it('AES-256 session keys and a 16-byte SSC (gmrtd iso7816/nfc_session_test.go, EF.COM)', () => {
    const sm = new SecureMessaging(
      {
        cipher: 'AES-256',
        kEnc: hex('74B94F408BBB2CD92571FD5B6370A94CCE7A2FA42AE3EB4DA47B97CE6EAA24C6'),
        kMac: hex('9E28D5D9FF1D979BE752E8926BF0E1D35A440FC0AEFC4AA3BC5610055AC8B113'),
        ssc: hex('00000000000000000000000000000020'),
      },
      crypto,
    );
    expect(toHex(sm.wrap(selectEfCom, 'SELECT'))).toBe('0CA4020C1D8711011D35E7EB510E21A0DD12380D9AD2B92D8E0828CB68B81D3FAFC000');
    expect(sm.unwrap(hex('990290008E08E083EAA61ADABFCE9000'), 'SELECT').sw).toBe(0x9000);
    expect(toHex(sm.wrap({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, le: 4 }, 'READ'))).toBe('0CB000000D9701048E084AFC933E0CDBE5F000');
    expect(toHex(sm.unwrap(hex('871101D8059A9CF835105082CA2B1837E4AEC0990290008E08B36DB56761D706BB9000'), 'READ').data)).toBe('60185F01');
    expect(toHex(sm.ssc)).toBe('00000000000000000000000000000024');
  });
});

describe('secure messaging failures are typed and end the session', () => {
  function afterSelect(): SecureMessaging {
    const sm = new SecureMessaging(ICAO_SESSION, crypto);
    sm.wrap(selectEfCom, 'SELECT');
    return sm;
  }

  function caught(run: () => unknown): unknown {
    try {
      run();
    } catch (error) {
      return error;
    }
    throw new Error('expected a failure');
  }

  it('a wrong response MAC: bad-mac, and every later wrap or unwrap is refused as closed', () => {
    const sm = afterSelect();
    const error = caught(() => sm.unwrap(hex('990290008E08FA855A5D4C50A8EC9000'), 'SELECT'));
    expect(error).toBeInstanceOf(SecureMessagingError);
    expect((error as SecureMessagingError).reason).toBe('bad-mac');
    expect(sm.usable).toBe(false);
    expect((caught(() => sm.wrap(selectEfCom, 'SELECT')) as SecureMessagingError).reason).toBe('closed');
  });

  it('the MAC is checked before anything is decrypted: a tampered cryptogram is bad-mac, not a padding error', () => {
    const sm = new SecureMessaging(ICAO_SESSION, crypto);
    sm.wrap(selectEfCom, 'SELECT');
    sm.unwrap(hex('990290008E08FA855A5D4C50A8ED9000'), 'SELECT');
    sm.wrap({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, le: 4 }, 'READ');
    const error = caught(() => sm.unwrap(hex('8709019FF0EC34F9922650990290008E08AD55CC17140B2DED9000'), 'READ'));
    expect((error as SecureMessagingError).reason).toBe('bad-mac');
  });

  it('a plain 9000 where a protected answer is due is refused as unprotected (no downgrade)', () => {
    const sm = afterSelect();
    expect((caught(() => sm.unwrap(hex('9000'), 'SELECT')) as SecureMessagingError).reason).toBe('unprotected');
    expect(sm.usable).toBe(false);
  });

  it('a plain error status (the card ended SM) is a ChipError with that SW and the session is over', () => {
    const sm = afterSelect();
    const error = caught(() => sm.unwrap(hex('6988'), 'SELECT'));
    expect(error).toBeInstanceOf(ChipError);
    expect((error as ChipError).sw).toBe(0x6988);
    expect(sm.usable).toBe(false);
  });

  it('malformed objects: no DO 99, a DO 87 without the 01 indicator, a short MAC, broken TLV', () => {
    for (const build of [stripStatusObject, badIndicator]) {
      const terminal = new SecureMessaging(ICAO_SESSION, crypto);
      const responder = new CardSecureMessaging(ICAO_SESSION, crypto);
      responder.unwrapCommand(terminal.wrap({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le: 4 }, 'READ'));
      expect((caught(() => terminal.unwrap(build(responder), 'READ')) as SecureMessagingError).reason).toBe('malformed');
    }
    expect((caught(() => afterSelect().unwrap(hex('99029000 8E04FA855A5D 9000'), 'SELECT')) as SecureMessagingError).reason).toBe('malformed');
    expect((caught(() => afterSelect().unwrap(hex('990590009000'), 'SELECT')) as SecureMessagingError).reason).toBe('malformed');
    const truncated = afterSelect();
    expect((caught(() => truncated.unwrap(hex('90'), 'SELECT')) as SecureMessagingError).reason).toBe('malformed');
    expect(truncated.usable).toBe(false);
  });

  it('READ BINARY B1 (odd INS) carries its DO 54 in DO 85, and the card reads the same command back', () => {
    const terminal = new SecureMessaging(ICAO_SESSION, crypto);
    const responder = new CardSecureMessaging(ICAO_SESSION, crypto);
    const wrapped = terminal.wrap({ cla: 0x00, ins: 0xb1, p1: 0, p2: 0, data: hex('54028000'), le: 0xdf }, 'READ');
    expect(toHex(wrapped.subarray(0, 4))).toBe('0CB10000');
    expect(wrapped[5]).toBe(0x85);
    const seen = responder.unwrapCommand(wrapped);
    expect(seen).toMatchObject({ ins: 0xb1, le: 0xdf });
    expect(toHex(seen.data)).toBe('54028000');
  });

  it('extended length when allowed: Le in a two-byte DO 97 and an outer Le of 0000, which the card reads back', () => {
    const session: SessionKeys = {
      cipher: 'AES-128',
      kEnc: hex('F5F0E35C0D7161EE6724EE513A0D9A7F'),
      kMac: hex('FE251C7858B356B24514B3BD5F4297D1'),
      ssc: new Uint8Array(16),
    };
    const terminal = new SecureMessaging(session, crypto);
    const wrapped = terminal.wrap({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le: 1000 }, 'READ', { extendedLengthAllowed: true });
    expect(toHex(wrapped.subarray(0, 7))).toBe('0CB00000' + '00000E');
    expect(toHex(wrapped.subarray(7, 11))).toBe('970203E8');
    expect(toHex(wrapped.subarray(wrapped.length - 2))).toBe('0000');
    expect(new CardSecureMessaging(session, crypto).unwrapCommand(wrapped)).toMatchObject({ ins: 0xb0, le: 1000 });
  });

  it('a command that cannot be encoded leaves the SSC where it was (nothing reached the card)', () => {
    const sm = new SecureMessaging(ICAO_SESSION, crypto);
    expect(() => sm.wrap({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le: 1000 }, 'READ')).toThrow(RangeError);
    expect(toHex(sm.ssc)).toBe('887022120C06C226');
    expect(sm.usable).toBe(true);
  });

  it('a transport failure ends the session: the counters may differ now', async () => {
    const sm = new SecureMessaging(ICAO_SESSION, crypto);
    await expect(sm.send(() => Promise.reject(new Error('card removed')), selectEfCom, 'SELECT')).rejects.toThrow('card removed');
    expect(sm.usable).toBe(false);
  });

  it('refuses session keys and SSCs of the wrong size for the cipher', () => {
    expect(() => new SecureMessaging({ ...ICAO_SESSION, ssc: new Uint8Array(16) }, crypto)).toThrow(RangeError);
    expect(() => new SecureMessaging({ ...ICAO_SESSION, cipher: 'AES-256' }, crypto)).toThrow(RangeError);
  });
});

/** A correctly MACed response that lacks DO 99: the card's MAC over DO 87 alone. */
function stripStatusObject(responder: CardSecureMessaging): Uint8Array {
  return rebuild(responder, (objects) => objects.filter((object) => object[0] !== 0x99));
}

/** A correctly MACed response whose DO 87 starts with 02 instead of the padding indicator 01. */
function badIndicator(responder: CardSecureMessaging): Uint8Array {
  return rebuild(responder, (objects) =>
    objects.map((object) => (object[0] === 0x87 ? Uint8Array.from([0x87, object[1] ?? 0, 0x02, ...object.subarray(3)]) : object)),
  );
}

/**
 * The card's answer to a 4-byte read, its objects changed by `change`, then MACed again with the
 * card's SSC (one more than the command's) so that only the change is wrong.
 */
function rebuild(responder: CardSecureMessaging, change: (objects: Uint8Array[]) => Uint8Array[]): Uint8Array {
  const genuine = responder.wrapResponse(0xb0, hex('60145F01'), 0x9000);
  const objects = readTlvs(genuine.subarray(0, genuine.length - 2))
    .filter((tlv) => tlv.tag !== 0x8e)
    .map((tlv) => genuine.slice(tlv.start, tlv.end));
  const changed = change(objects);
  const mac = retailMac(ICAO_SESSION.kMac, concatBytes(hex('887022120C06C228'), ...changed), crypto);
  return concatBytes(...changed, encodeTlv(0x8e, mac), hex('9000'));
}
