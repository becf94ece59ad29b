import { describe, expect, it } from 'vitest';
import { CborSimple, CborTag, decodeCbor, type CborValue } from '../../../../../domain/credentials/dcc/cbor-decode.js';
import { encodeCbor } from '../../../../../domain/credentials/dcc/cbor-encode.js';

const fromHex = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function decoded(hex: string): CborValue {
  const result = decodeCbor(fromHex(hex));
  if (!result.ok) throw new Error(`${hex}: ${result.error} at ${result.offset}`);
  return result.value;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const map = (...entries: [CborValue, CborValue][]): Map<CborValue, CborValue> => new Map(entries);

/** RFC 8949 Appendix A: [diagnostic value, encoding, preferred (our encoder produces it)]. */
const APPENDIX_A: readonly [CborValue, string, boolean][] = [
  [0, '00', true],
  [1, '01', true],
  [10, '0a', true],
  [23, '17', true],
  [24, '1818', true],
  [25, '1819', true],
  [100, '1864', true],
  [1000, '1903e8', true],
  [1000000, '1a000f4240', true],
  [1000000000000, '1b000000e8d4a51000', true],
  [18446744073709551615n, '1bffffffffffffffff', true],
  [new CborTag(2, fromHex('010000000000000000')), 'c249010000000000000000', true],
  [-18446744073709551616n, '3bffffffffffffffff', true],
  [new CborTag(3, fromHex('010000000000000000')), 'c349010000000000000000', true],
  [-1, '20', true],
  [-10, '29', true],
  [-100, '3863', true],
  [-1000, '3903e7', true],
  [0, 'f90000', false],
  [-0, 'f98000', false],
  [1, 'f93c00', false],
  [1.1, 'fb3ff199999999999a', true],
  [1.5, 'f93e00', false],
  [65504, 'f97bff', false],
  [100000, 'fa47c35000', false],
  [3.4028234663852886e38, 'fa7f7fffff', false],
  [1.0e300, 'fb7e37e43c8800759c', true],
  [5.960464477539063e-8, 'f90001', false],
  [0.00006103515625, 'f90400', false],
  [-4, 'f9c400', false],
  [-4.1, 'fbc010666666666666', true],
  [Infinity, 'f97c00', false],
  [NaN, 'f97e00', false],
  [-Infinity, 'f9fc00', false],
  [Infinity, 'fa7f800000', false],
  [NaN, 'fa7fc00000', false],
  [-Infinity, 'faff800000', false],
  [Infinity, 'fb7ff0000000000000', true],
  [NaN, 'fb7ff8000000000000', true],
  [-Infinity, 'fbfff0000000000000', true],
  [false, 'f4', true],
  [true, 'f5', true],
  [null, 'f6', true],
  [undefined, 'f7', true],
  [new CborSimple(16), 'f0', true],
  [new CborSimple(255), 'f8ff', true],
  [new CborTag(0, '2013-03-21T20:04:00Z'), 'c074323031332d30332d32315432303a30343a30305a', true],
  [new CborTag(1, 1363896240), 'c11a514b67b0', true],
  [new CborTag(1, 1363896240.5), 'c1fb41d452d9ec200000', true],
  [new CborTag(23, fromHex('01020304')), 'd74401020304', true],
  [new CborTag(24, fromHex('6449455446')), 'd818456449455446', true],
  [new CborTag(32, 'http://www.example.com'), 'd82076687474703a2f2f7777772e6578616d706c652e636f6d', true],
  [new Uint8Array(0), '40', true],
  [fromHex('01020304'), '4401020304', true],
  ['', '60', true],
  ['a', '6161', true],
  ['IETF', '6449455446', true],
  ['"\\', '62225c', true],
  ['\u00fc', '62c3bc', true],
  ['\u6c34', '63e6b0b4', true],
  ['\ud800\udd51', '64f0908591', true],
  [[], '80', true],
  [[1, 2, 3], '83010203', true],
  [[1, [2, 3], [4, 5]], '8301820203820405', true],
  [range(1, 25), '98190102030405060708090a0b0c0d0e0f101112131415161718181819', true],
  [map(), 'a0', true],
  [map([1, 2], [3, 4]), 'a201020304', true],
  [map(['a', 1], ['b', [2, 3]]), 'a26161016162820203', true],
  [['a', map(['b', 'c'])], '826161a161626163', true],
  [map(['a', 'A'], ['b', 'B'], ['c', 'C'], ['d', 'D'], ['e', 'E']), 'a56161614161626142616361436164614461656145', true],
  // Indefinite lengths decode to the same data.
  [fromHex('0102030405'), '5f42010243030405ff', false],
  ['streaming', '7f657374726561646d696e67ff', false],
  [[], '9fff', false],
  [[1, [2, 3], [4, 5]], '9f018202039f0405ffff', false],
  [[1, [2, 3], [4, 5]], '9f01820203820405ff', false],
  [[1, [2, 3], [4, 5]], '83018202039f0405ff', false],
  [[1, [2, 3], [4, 5]], '83019f0203ff820405', false],
  [range(1, 25), '9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff', false],
  [map(['a', 1], ['b', [2, 3]]), 'bf61610161629f0203ffff', false],
  [['a', map(['b', 'c'])], '826161bf61626163ff', false],
  [map(['Fun', true], ['Amt', -2]), 'bf6346756ef563416d7421ff', false],
];

describe('CBOR decoding: RFC 8949 Appendix A', () => {
  it.each(APPENDIX_A)('%o ← %s', (value, hex, preferred) => {
    expect(decoded(hex)).toStrictEqual(value);
    if (preferred) expect(toHex(encodeCbor(value))).toBe(hex);
  });
});

describe('CBOR decoding: malformed input (RFC 8949 Appendix F) is an error, never an exception', () => {
  it.each([
    // end of input in a head
    '18',
    '19',
    '1901',
    '1a010203',
    '1b01020304050607',
    '38',
    '58',
    '78',
    '98',
    '9a01ff00',
    'b8',
    'd8',
    'f8',
    'f900',
    'fa0000',
    'fb000000',
    // definite length strings, arrays and maps longer than the input
    '41',
    '61',
    '5affffffff00',
    '5bffffffffffffffff010203',
    '7affffffff00',
    '7b7fffffffffffffff010203',
    '81',
    '818181818181818181',
    '8200',
    'a1',
    'a20102',
    'a100',
    'a2000000',
    // indefinite length without its break
    '5f4100',
    '7f6100',
    '9f',
    '9f0102',
    'bf',
    'bf01020102',
    '819f',
    '9f8000',
    '9f9f9f9f9fffffffff',
    '9f819f819f9fffffff',
    // reserved additional information
    '1c',
    '1d',
    '1e',
    '3c',
    '3d',
    '3e',
    '5c',
    '5d',
    '5e',
    '7c',
    '7d',
    '7e',
    '9c',
    '9d',
    '9e',
    'bc',
    'bd',
    'be',
    'dc',
    'dd',
    'de',
    'fc',
    'fd',
    'fe',
    // simple values below 32 in the two-byte form
    'f800',
    'f818',
    'f81f',
    // indefinite integers and tags
    '1f',
    '3f',
    'df',
    // bad chunks in indefinite strings
    '5f00ff',
    '5f21ff',
    '5f6100ff',
    '5f80ff',
    '5fa0ff',
    '5fc000ff',
    '5fe0ff',
    '7f4100ff',
    '5f5f4100ffff',
    '7f7f6100ffff',
    // breaks where none may be
    'ff',
    '81ff',
    '8200ff',
    'a1ff',
    'a1ff00',
    'a100ff',
    'a20000ff',
    '9f81ff',
    '9f829f819f9fffffffff',
    'bf00ff',
    // semantic errors we reject
    '62c328', // text that is not UTF-8
    'a201020103', // duplicate key
    'c000', // tag 0 around a number
    'c16161', // tag 1 around text
    '0000', // trailing bytes
  ])('%s', (hex) => {
    const result = decodeCbor(fromHex(hex));
    expect(result.ok).toBe(false);
  });

  it('says what and where', () => {
    expect(decodeCbor(fromHex('8301'))).toEqual({ ok: false, error: 'length exceeds input', offset: 0 });
    expect(decodeCbor(fromHex('a2616101616102'))).toMatchObject({ ok: false, error: 'duplicate map key', offset: 4 });
  });

  it('accepts trailing bytes only when asked, and says where the item ends', () => {
    expect(decodeCbor(fromHex('0102'), { allowTrailing: true })).toEqual({ ok: true, value: 1, length: 1 });
  });

  it('bounds nesting depth', () => {
    const deep = (n: number): Uint8Array => Uint8Array.from([...Array<number>(n).fill(0x81), 0x00]);
    expect(decodeCbor(deep(32)).ok).toBe(true);
    expect(decodeCbor(deep(33))).toMatchObject({ ok: false, error: 'nesting too deep' });
    expect(decodeCbor(deep(100_000))).toMatchObject({ ok: false, error: 'nesting too deep' });
    expect(decodeCbor(deep(5), { maxDepth: 4 }).ok).toBe(false);
  });

  it('does not allocate what a forged length announces', () => {
    // An array of 2^32 - 1 items in five bytes: refused before any allocation.
    expect(decodeCbor(fromHex('9affffffff'))).toMatchObject({ ok: false, error: 'length exceeds input' });
    expect(decodeCbor(fromHex('bb0000000100000000'))).toMatchObject({ ok: false, error: 'length exceeds input' });
  });

  it('keeps a byte string independent of the input buffer', () => {
    const input = fromHex('4401020304');
    const value = decoded('4401020304') as Uint8Array;
    input[1] = 0xff;
    expect(value).toEqual(fromHex('01020304'));
  });

  it('reads maps with any key type, and text keys as text', () => {
    const value = decoded('a3016161626b310144010203040a') as Map<CborValue, CborValue>;
    expect(value.get(1)).toBe('a');
    expect(value.get('k1')).toBe(1);
    expect([...value.keys()][2]).toEqual(fromHex('01020304'));
  });
});

describe('CBOR encoding', () => {
  it('round-trips nested data, negative and big integers, tags and floats', () => {
    const value = map(
      [1, 'VN'],
      [-260, map([1, map(['v', [map(['dn', 2], ['x', 0.5])]])])],
      [4, new CborTag(1, 1700000000)],
      ['b', text('ok')],
      ['n', -1n - 2n ** 64n + 1n],
    );
    expect(decoded(toHex(encodeCbor(value)))).toStrictEqual(value);
  });

  it('writes every integer in its shortest form, bigint or not', () => {
    expect(toHex(encodeCbor(5n))).toBe('05');
    expect(toHex(encodeCbor(-500n))).toBe('3901f3');
    expect(toHex(encodeCbor(2n ** 32n))).toBe('1b0000000100000000');
    expect(toHex(encodeCbor(-(2n ** 64n)))).toBe('3bffffffffffffffff');
  });

  it('builds the COSE Sig_structure bytes exactly', () => {
    const sig = encodeCbor(['Signature1', fromHex('a10126'), new Uint8Array(0), fromHex('a0')]);
    expect(toHex(sig)).toBe('846a5369676e61747572653143a101264041a0');
  });
});
