import { afterAll, describe, expect, it } from 'vitest';
import { encodeOid } from '../../../../../domain/chip/der.js';
import { MAX_DG13_VALUE_BYTES, parseVietnameseDg13, VIETNAMESE_DG13_OID } from '../../../../../domain/chip/lds/dg13-vietnam.js';
import { LdsError } from '../../../../../domain/chip/lds/lds-error.js';
import { encodeTlv } from '../../../../../domain/chip/tlv.js';
import { chipSamplesUnavailable, makeVnSample, temporaryDirectory } from '../../../../support/chip-samples.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const int = (n: number): Uint8Array => encodeTlv(0x02, Uint8Array.of(n));
const text = (value: string, tag = 0x0c): Uint8Array => encodeTlv(tag, utf8(value));
const field = (n: number, value: Uint8Array): Uint8Array => encodeTlv(0x30, int(n), value);
function dg13(fields: readonly Uint8Array[], oid = VIETNAMESE_DG13_OID, version = 1): Uint8Array {
  return encodeTlv(0x6d, encodeTlv(0x30, int(version), encodeTlv(0x06, encodeOid(oid)), encodeTlv(0x31, ...fields)));
}

describe('the Vietnamese DG13', () => {
  it('reads fields by number, in whatever order the card gives them', () => {
    const parsed = parseVietnameseDg13(
      dg13([
        field(16, text('ABCDEF0123456789')),
        field(2, text('Trần Thị Mẹ')),
        field(1, text('079195004321')),
        field(15, text('225123456')),
        field(14, encodeTlv(0x30, text('Lê Văn Chồng'))),
        field(13, encodeTlv(0x30, text(''), text('Phạm Thị Mẹ'))),
        field(12, text('Không thời hạn')),
        field(4, text('Nữ', 0x0c)),
        field(5, text('Viet Nam', 0x13)),
      ]),
    );
    expect(parsed).toEqual({
      id12: '079195004321',
      fullName: 'Trần Thị Mẹ',
      sex: 'Nữ',
      nationality: 'Viet Nam',
      expiryDate: 'Không thời hạn',
      motherName: 'Phạm Thị Mẹ',
      spouseName: 'Lê Văn Chồng',
      oldId9: '225123456',
      field16: 'ABCDEF0123456789',
      unknownFields: [],
    });
  });

  it('keeps a field of an unknown number, or of an unexpected shape, as unknown', () => {
    const parsed = parseVietnameseDg13(dg13([field(2, text('Nguyễn An')), field(17, text('x')), field(3, int(5)), field(13, text('not a sequence'))]));
    expect(parsed.fullName).toBe('Nguyễn An');
    expect(parsed.birthDate).toBeUndefined();
    expect(parsed.unknownFields.map((unknown) => unknown.number)).toEqual([17, 3, 13]);
    expect(Buffer.from(parsed.unknownFields[1]?.encoded ?? []).toString('hex')).toBe('020105');
  });

  it('strips bidi overrides, zero-width and control characters from every value', () => {
    const parsed = parseVietnameseDg13(dg13([field(2, text('Nguy\u202Eễn\u200B An\u0007')), field(9, text('Số 1\nPhố Huế'))]));
    expect(parsed.fullName).toBe('Nguyễn An');
    expect(parsed.placeOfResidence).toBe('Số 1 Phố Huế');
  });

  it.each([
    ['another object identifier', dg13([field(1, text('1'))], '1.0.10646.1.0.9')],
    ['another version', dg13([field(1, text('1'))], VIETNAMESE_DG13_OID, 2)],
    ['a field number twice', dg13([field(2, text('Nguyễn An')), field(2, text('Trần Bình'))])],
    ['a value over the bound', dg13([field(9, text('x'.repeat(MAX_DG13_VALUE_BYTES + 1)))])],
    ['a value that is not UTF-8', dg13([field(2, encodeTlv(0x0c, Uint8Array.of(0xc3, 0x28)))])],
    ['another file', encodeTlv(0x6e, encodeTlv(0x30))],
    ['a truncated file', dg13([field(2, text('Nguyễn An'))]).subarray(0, 12)],
  ])('refuses %s, naming DG13', (_case, bytes) => {
    expect(() => parseVietnameseDg13(bytes)).toThrow(LdsError);
    expect(() => parseVietnameseDg13(bytes)).toThrow(/^DG13: /);
  });
});

const unavailable = chipSamplesUnavailable();
describe.skipIf(unavailable !== null)(`the DG13 of the card emulator's generator${unavailable === null ? '' : ` (skipped: ${unavailable})`}`, () => {
  const work = temporaryDirectory();
  afterAll(() => work.remove());

  it('reads every field the sample holds', () => {
    expect(parseVietnameseDg13(makeVnSample(work.dir).dg13)).toEqual({
      id12: '001095000225',
      fullName: 'Nguyễn Văn A',
      birthDate: '10/08/1995',
      sex: 'Nam',
      nationality: 'Việt Nam',
      ethnicity: 'Kinh',
      religion: 'Không',
      placeOfOrigin: 'Hà Nội',
      placeOfResidence: 'Số 1 Phố Huế, Hoàn Kiếm, Hà Nội',
      identifyingMarks: 'Nốt ruồi cách 2cm dưới đuôi mắt trái',
      issueDate: '01/01/2022',
      expiryDate: '10/08/2035',
      fatherName: 'Nguyễn Văn Bố',
      motherName: 'Trần Thị Mẹ',
      unknownFields: [],
    });
  });
});
