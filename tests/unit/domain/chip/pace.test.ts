import { describe, expect, it } from 'vitest';
import { parseCardAccess } from '../../../../domain/chip/card-access.js';
import { multiplyPoint } from '../../../../domain/chip/ec/arithmetic.js';
import { bigintToBytes, bytesToBigint, decodePoint, encodePoint } from '../../../../domain/chip/ec/encoding.js';
import { STANDARD_CURVES } from '../../../../domain/chip/ec/standard-curves.js';
import { deriveKey } from '../../../../domain/chip/kdf.js';
import { authenticationToken, decryptNonce, mapGenerator, passwordBytes, performPace, type PacePassword } from '../../../../domain/chip/pace.js';
import { PaceError, tokenInput } from '../../../../domain/chip/pace-messages.js';
import { nodeChipCrypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { fixedRandomCrypto, ScriptedCard } from '../../../support/chip-card.js';
import { bytesOfHex, hexOfBytes } from '../../../support/hex.js';

const hex = bytesOfHex;
const toHex = (bytes: Uint8Array): string => hexOfBytes(bytes).toUpperCase();
const cryptoWithRandomness = (...values: string[]) => fixedRandomCrypto(nodeChipCrypto, ...values.map(hex));
type Exchange = readonly [command: string, response: string];

/**
 * ICAO 9303-11 Appendix G.1: PACE, ECDH generic mapping, brainpoolP256r1, AES-128, MRZ
 * T22000129 / 640812 / 101031. Values as quoted identically by gmrtd (pace/pace_test.go,
 * TestDoPace_GM_ECDH) and dmrtd (test/pace_test_ecdh.dart).
 */
const G1 = {
  cardAccess: '31143012060A04007F0007020204020202010202010D',
  password: { kind: 'MRZ', mrz: { documentNumber: 'T22000129', dateOfBirth: '640812', dateOfExpiry: '101031' } } as PacePassword,
  pi: '7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD',
  kPi: '89DED1B26624EC1E634C1989302849DD',
  z: '95A3A016522EE98D01E76CB6B98B42C3',
  s: '3F00C4D39D153F2B2A214A078D899B22',
  terminalMappingPrivate: '7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99',
  terminalMappingPublic: '047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D',
  cardMappingPrivate: '498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560',
  cardMappingPublic: '04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54',
  h: '0460332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD50840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181',
  mappedGenerator: '048CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E28C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522',
  terminalEphemeralPrivate: 'A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595',
  terminalEphemeralPublic: '042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462',
  cardEphemeralPrivate: '107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A',
  cardEphemeralPublic: '049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094',
  k: '28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925',
  ksEnc: 'F5F0E35C0D7161EE6724EE513A0D9A7F',
  ksMac: 'FE251C7858B356B24514B3BD5F4297D1',
  terminalTokenInput:
    '7F494F060A04007F000702020402028641049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094',
  cardTokenInput:
    '7F494F060A04007F000702020402028641042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462',
  tIfd: 'C2B0BD78D94BA866',
  tIc: '3ABB9674BCE93C08',
};

/** The G.1 exchanges; the first is MSE:Set AT as ICAO prints it, with no DO 84. */
const G1_SCRIPT: readonly Exchange[] = [
  ['0022C1A40F800A04007F00070202040202830101', '9000'],
  ['10860000027C0000', `7C128010${G1.z}9000`],
  [`10860000457C438141${G1.terminalMappingPublic}00`, `7C438241${G1.cardMappingPublic}9000`],
  [`10860000457C438341${G1.terminalEphemeralPublic}00`, `7C438441${G1.cardEphemeralPublic}9000`],
  [`008600000C7C0A8508${G1.tIfd}00`, `7C0A8608${G1.tIc}9000`],
];

const g1Crypto = () => cryptoWithRandomness(G1.terminalMappingPrivate, G1.terminalEphemeralPrivate);
const g1Access = () => parseCardAccess(hex(G1.cardAccess));
const curve = STANDARD_CURVES.brainpoolP256r1;
const point = (encoded: string) => decodePoint(curve, hex(encoded), 'test point');

describe('PACE, ICAO 9303-11 Appendix G.1 value by value', () => {
  it('derives π and K_π from the MRZ, and decrypts the nonce', () => {
    const pi = passwordBytes(G1.password, nodeChipCrypto);
    expect(toHex(pi)).toBe(G1.pi);
    const kPi = deriveKey(pi, 3, 'AES-128', nodeChipCrypto);
    expect(toHex(kPi)).toBe(G1.kPi);
    expect(toHex(decryptNonce('AES-128', kPi, hex(G1.z), nodeChipCrypto))).toBe(G1.s);
  });

  it('maps the generator: both mapping keys, H and G′', () => {
    expect(toHex(encodePoint(curve, multiplyPoint(curve, BigInt(`0x${G1.terminalMappingPrivate}`), curve.g)!))).toBe(G1.terminalMappingPublic);
    expect(toHex(encodePoint(curve, multiplyPoint(curve, BigInt(`0x${G1.cardMappingPrivate}`), curve.g)!))).toBe(G1.cardMappingPublic);
    const { h, generator } = mapGenerator(curve, hex(G1.s), BigInt(`0x${G1.terminalMappingPrivate}`), point(G1.cardMappingPublic));
    expect(toHex(encodePoint(curve, h))).toBe(G1.h);
    expect(toHex(encodePoint(curve, generator))).toBe(G1.mappedGenerator);
  });

  it('agrees on K and the session keys, and computes both tokens', () => {
    const generator = point(G1.mappedGenerator);
    expect(toHex(encodePoint(curve, multiplyPoint(curve, BigInt(`0x${G1.terminalEphemeralPrivate}`), generator)!))).toBe(G1.terminalEphemeralPublic);
    expect(toHex(encodePoint(curve, multiplyPoint(curve, BigInt(`0x${G1.cardEphemeralPrivate}`), generator)!))).toBe(G1.cardEphemeralPublic);
    const shared = multiplyPoint(curve, BigInt(`0x${G1.terminalEphemeralPrivate}`), point(G1.cardEphemeralPublic))!;
    const k = bigintToBytes(shared.x, curve.size);
    expect(toHex(k)).toBe(G1.k);
    const ksMac = deriveKey(k, 2, 'AES-128', nodeChipCrypto);
    expect(toHex(deriveKey(k, 1, 'AES-128', nodeChipCrypto))).toBe(G1.ksEnc);
    expect(toHex(ksMac)).toBe(G1.ksMac);
    const oid = '0.4.0.127.0.7.2.2.4.2.2';
    expect(toHex(tokenInput(oid, hex(G1.cardEphemeralPublic)))).toBe(G1.terminalTokenInput);
    expect(toHex(tokenInput(oid, hex(G1.terminalEphemeralPublic)))).toBe(G1.cardTokenInput);
    expect(toHex(authenticationToken('AES-128', ksMac, hex(G1.terminalTokenInput), nodeChipCrypto))).toBe(G1.tIfd);
    expect(toHex(authenticationToken('AES-128', ksMac, hex(G1.cardTokenInput), nodeChipCrypto))).toBe(G1.tIc);
  });

  it('sends every command of the published transcript byte for byte and ends with its session keys', async () => {
    const card = new ScriptedCard(G1_SCRIPT);
    const result = await performPace({ transmit: card.transmit, crypto: g1Crypto(), cardAccess: g1Access(), password: G1.password });
    expect(card.finished).toBe(true);
    expect(result.keys.cipher).toBe('AES-128');
    expect(toHex(result.keys.kEnc)).toBe(G1.ksEnc);
    expect(toHex(result.keys.kMac)).toBe(G1.ksMac);
    expect(toHex(result.keys.ssc)).toBe('00'.repeat(16));
    expect(toHex(result.chipEphemeralKey)).toBe(G1.cardEphemeralPublic);
    expect(result.offer.parameterId).toBe(13);
  });

  it('names the domain parameters in MSE:Set AT when asked to always (gmrtd pace/pace_test.go sends 84 0D)', async () => {
    const script: Exchange[] = [['0022C1A412800A04007F0007020204020283010184010D', '9000'], ...G1_SCRIPT.slice(1)];
    const card = new ScriptedCard(script);
    await performPace({ transmit: card.transmit, crypto: g1Crypto(), cardAccess: g1Access(), password: G1.password, parameterIdInSetAt: 'always' });
    expect(card.finished).toBe(true);
  });

  it('reads T_IC among further objects of the last answer (a CAR for terminal authentication, 87)', async () => {
    // 7C { 86 T_IC, 87 "DETEST01" }.
    const card = new ScriptedCard([...G1_SCRIPT.slice(0, 4), [G1_SCRIPT[4]![0], `7C148608${G1.tIc}870844455445535430319000`]]);
    const result = await performPace({ transmit: card.transmit, crypto: g1Crypto(), cardAccess: g1Access(), password: G1.password });
    expect(toHex(result.keys.kMac)).toBe(G1.ksMac);
  });

  it('names them unasked when EF.CardAccess offers several parameter sets', async () => {
    // The G.1 PACEInfo and a second one on P-256 (id 12): the card must be told which.
    const access = parseCardAccess(hex('31283012060A04007F0007020204020202010202010D3012060A04007F0007020204020202010202010C'));
    const card = new ScriptedCard([['0022C1A412800A04007F0007020204020283010184010D', '9000'], ...G1_SCRIPT.slice(1)]);
    const offer = access.offers.find((candidate) => candidate.parameterId === 13);
    if (offer === undefined) throw new Error('the G.1 offer is missing');
    await performPace({ transmit: card.transmit, crypto: g1Crypto(), cardAccess: access, offer, password: G1.password });
    expect(card.finished).toBe(true);
  });
});

describe('PACE with 3DES (gmrtd pace/pace_test.go, TestDoPace_GM_ECDH_TDES_CBC_NZ)', () => {
  it('replays the transcript, a 16-byte nonce in two 3DES blocks, to its session keys', async () => {
    const card = new ScriptedCard([
      ['0022C1A412800A04007F0007020204020183010184010D', '9000'],
      ['10860000027c0000', '7c128010b88382812290017af1cc906ff00e7f4d9000'],
      [
        '10860000457c438141047706b2b6246ab4612229b8a11212ddba7fea0568c9c0975dee22c0e3dd3a3f0321e8afee836e373b570d24000d56fb195104d486e63321ff8c819dd5ee018dcb00',
        '7c43824104780b4edec9b926f9f964fad826d9990a667608d96ba7b397ae8609b6533e0d036d148365ddf4e5ff6611c2b62aa17fc9899f327bc929db543e7abd0ee724e4be9000',
      ],
      [
        '10860000457c43834104507a0156efae8fb8acc519036c0b2fe0393c878744c7f91878ee4e07a41412ba5c0753d68a44a91e9f57f3f992ab689e6c2065d3b2a27c3658a4fd632931ee3800',
        '7c438441042dbaf62e6fdfb31eb66f206493b9e7721586f0e5c93754d7bd5a884ca251ee4d720ab539a60561bc46812fa289b58ac69f0c6e32adbaf7241049a31211f80f5b9000',
      ],
      ['008600000c7c0a85088d7c617d43efe09e00', '7c0a8608cb57047c809079f69000'],
    ]);
    const result = await performPace({
      transmit: card.transmit,
      crypto: cryptoWithRandomness(
        '2808272c0ec20e01a3450030ef32855e9feb5cb17719e985389b1cf47609e69f',
        '8f89449052df6c7983750c7b042c3cea12b36819174424c7cd28153f7b70b402',
      ),
      cardAccess: parseCardAccess(hex('31143012060a04007f0007020204020102010202010d')),
      // An 8-character document number: mrzInformation pads it with '<' to 9.
      password: { kind: 'MRZ', mrz: { documentNumber: 'LM277954', dateOfBirth: '781214', dateOfExpiry: '271115' } },
      parameterIdInSetAt: 'always',
    });
    expect(card.finished).toBe(true);
    expect(result.keys.cipher).toBe('3DES');
    expect(toHex(result.keys.kEnc)).toBe('430E4C8C38DFEFAED92067B919A897F8');
    expect(toHex(result.keys.kMac)).toBe('C1BC1F075797B970B5A45E64A764B0CB');
    expect(toHex(result.keys.ssc)).toBe('00'.repeat(8));
  });
});

/**
 * Run G.1 with the card's answer at `index` replaced; the error PACE throws. Commands are
 * checked up to `anyCommandFrom` (a wrong password changes the terminal's later commands).
 */
async function g1Failure(index: number, response: string, password: PacePassword = G1.password, anyCommandFrom = index): Promise<PaceError> {
  const script = G1_SCRIPT.map(([command, answer], i): Exchange => [i < anyCommandFrom ? command : '*', i === index ? response : answer]);
  const card = new ScriptedCard(script);
  const error: unknown = await performPace({ transmit: card.transmit, crypto: g1Crypto(), cardAccess: g1Access(), password }).catch(
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PaceError);
  // Nothing is sent after a failure.
  expect(card.sent.length).toBe(index + 1);
  return error as PaceError;
}

describe('PACE failures are typed', () => {
  it('a wrong MRZ: the card answers 6300 at step 4 → pace.wrong-password, no fallback', async () => {
    // Same document, another expiry date: π, s and G' change, so steps 3 and 4 differ from G.1.
    const error = await g1Failure(4, '6300', { kind: 'MRZ', mrz: { documentNumber: 'T22000129', dateOfBirth: '640812', dateOfExpiry: '101030' } }, 3);
    expect(error.code).toBe('pace.wrong-password');
    expect(error.sw).toBe(0x6300);
    expect(error.fallBackToBac).toBe(false);
  });

  it.each(['6A80', '6A88', '6D00'])('MSE:Set AT refused with %s → pace.not-supported-by-card, fall back to BAC', async (sw) => {
    const error = await g1Failure(0, sw);
    expect(error.code).toBe('pace.not-supported-by-card');
    expect(error.fallBackToBac).toBe(true);
    expect(error.sw).toBe(Number.parseInt(sw, 16));
  });

  it('a wrong token from the card → pace.card-token-invalid', async () => {
    const error = await g1Failure(4, `7C0A8608${G1.tIc.slice(0, 14)}099000`);
    expect(error.code).toBe('pace.card-token-invalid');
  });

  it.each([
    ['a mapping key off the curve', 2, `7C438241${G1.cardMappingPublic.slice(0, -2)}559000`, /not a point of brainpoolP256r1/],
    ['an ephemeral key off the curve', 3, `7C438441${G1.cardEphemeralPublic.slice(0, -2)}959000`, /not a point of brainpoolP256r1/],
    ['the point at infinity as ephemeral key', 3, '7C038401009000', /the point at infinity/],
    ['a compressed mapping key', 2, `7C238221${'02'}${G1.cardMappingPublic.slice(2, 66)}9000`, /not an uncompressed point/],
    ['its own mapping key echoed back', 2, `7C438241${G1.terminalMappingPublic}9000`, /own mapping key/],
    ['the terminal ephemeral key echoed back', 3, `7C438441${G1.terminalEphemeralPublic}9000`, /own ephemeral key/],
    ['a nonce of 15 bytes', 1, `7C11800F${G1.z.slice(0, 30)}9000`, /encrypted nonce of 15 bytes/],
    ['no 7C template', 1, `8010${G1.z}9000`, /7C/],
    ['a 7C without the nonce', 1, '7C0281009000', /no object 80/],
    ['a truncated 7C', 2, `7C438241${G1.cardMappingPublic.slice(0, 40)}9000`, /past the end/],
  ])('%s → pace.invalid-card-data', async (_what, index, response, message) => {
    const error = await g1Failure(index, response);
    expect(error.code).toBe('pace.invalid-card-data');
    expect(error.message).toMatch(message);
  });

  it('another status word in a step → pace.card-error with it', async () => {
    const error = await g1Failure(2, '6982');
    expect(error.code).toBe('pace.card-error');
    expect(error.sw).toBe(0x6982);
    expect(error.fallBackToBac).toBe(false);
  });

  it('an EF.CardAccess with nothing usable → pace.no-usable-offer, fall back to BAC, nothing sent', async () => {
    const card = new ScriptedCard([]);
    const access = parseCardAccess(hex('31143012060A04007F0007020204010202010202010D'));
    const error: unknown = await performPace({ transmit: card.transmit, crypto: g1Crypto(), cardAccess: access, password: G1.password }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(PaceError);
    expect((error as PaceError).code).toBe('pace.no-usable-offer');
    expect((error as PaceError).message).toMatch(/dh-not-supported/);
    expect((error as PaceError).fallBackToBac).toBe(true);
    expect(card.sent).toEqual([]);
  });
});

describe('PACE passwords', () => {
  it('uses the CAN digits as π and password reference 02', async () => {
    expect(toHex(passwordBytes({ kind: 'CAN', can: '000225' }, nodeChipCrypto))).toBe('303030323235');
    const card = new ScriptedCard([['0022C1A40F800A04007F00070202040202830102', '6A88']]);
    const error: unknown = await performPace({
      transmit: card.transmit,
      crypto: g1Crypto(),
      cardAccess: g1Access(),
      password: { kind: 'CAN', can: '000225' },
    }).catch((thrown: unknown) => thrown);
    expect((error as PaceError).code).toBe('pace.not-supported-by-card');
  });

  it('checks the password before sending anything', async () => {
    const card = new ScriptedCard([]);
    const password: PacePassword = { kind: 'CAN', can: '12345' };
    await expect(performPace({ transmit: card.transmit, crypto: g1Crypto(), cardAccess: g1Access(), password })).rejects.toThrow(/six digits/);
    expect(card.sent).toEqual([]);
  });

  it.each([
    [{ kind: 'CAN', can: '12345' }],
    [{ kind: 'CAN', can: '12345a' }],
    [{ kind: 'MRZ', mrz: { documentNumber: 'T2200-0129', dateOfBirth: '640812', dateOfExpiry: '101031' } }],
    [{ kind: 'MRZ', mrz: { documentNumber: 'T22000129', dateOfBirth: '6408', dateOfExpiry: '101031' } }],
  ] as [PacePassword][])('refuses a malformed password %j before using it', (password) => {
    expect(() => passwordBytes(password, nodeChipCrypto)).toThrow(/six digits|document number|6 characters/);
  });

  it('draws private keys below n, masking the bits above it (secp521r1)', async () => {
    const p521 = STANDARD_CURVES.secp521r1;
    // 66 random bytes of FF: masked to 521 one-bits, which is ≥ n, so a second draw is taken.
    const crypto = cryptoWithRandomness('FF'.repeat(66), `01${'00'.repeat(64)}05`);
    const access = parseCardAccess(hex('31143012060A04007F00070202040202020102020112'));
    const card = new ScriptedCard([
      ['*', '9000'],
      ['*', `7C128010${G1.z}9000`],
      ['*', '6982'],
    ]);
    await expect(performPace({ transmit: card.transmit, crypto, cardAccess: access, password: G1.password })).rejects.toThrow(PaceError);
    // 10 86 00 00 8B, 7C 81 88, 81 81 85, then the 133-byte point.
    const sentKey = hex(card.sent[2]!).subarray(11, 11 + 133);
    const expected = multiplyPoint(p521, bytesToBigint(hex(`01${'00'.repeat(64)}05`)), p521.g)!;
    expect(toHex(sentKey)).toBe(toHex(encodePoint(p521, expected)));
  });
});
