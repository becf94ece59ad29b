import { describe, expect, it } from 'vitest';
import { dataGroupOfTag, tagOfDataGroup } from '../../../../../domain/chip/lds/data-groups.js';
import { parseEfCom } from '../../../../../domain/chip/lds/ef-com.js';
import { LdsError } from '../../../../../domain/chip/lds/lds-error.js';
import { bytesOfHex } from '../../../../support/hex.js';

const hex = bytesOfHex;

describe('EF.COM', () => {
  it('reads the LDS and Unicode versions and the data groups of the tag list', () => {
    // ICAO 9303-10 §4.6.1's example: LDS 1.7, Unicode 4.0.0, DG1, DG2, DG3 and DG13 (61 75 63 6D).
    const com = parseEfCom(hex('60 16 5F01 04 30313037 5F36 06 303430303030 5C 04 6175636D'));
    expect(com).toEqual({ ldsVersion: '1.7', unicodeVersion: '4.0.0', dataGroups: [1, 2, 3, 13], unknownTags: [] });
  });

  it('keeps a tag it does not know as unknown and lists a data group once', () => {
    const com = parseEfCom(hex('60 0E 5F01 04 30313038 5C 05 61 6F 6F 7A 77'));
    expect(com.dataGroups).toEqual([1, 15]);
    expect(com.unknownTags).toEqual([0x7a, 0x77]);
    expect(com.ldsVersion).toBe('1.8');
    expect(com.unicodeVersion).toBe('');
  });

  it.each([
    ['another file', '61 0B 5F01 04 30313037 5C 01 61'],
    ['no tag list', '60 07 5F01 04 30313037'],
    ['a version that is not digits', '60 0A 5F01 04 3031303A 5C 01 61'],
    ['a truncated file', '60 16 5F01 04 30313037'],
  ])('refuses %s, naming EF.COM', (_case, bytes) => {
    expect(() => parseEfCom(hex(bytes))).toThrow(LdsError);
    expect(() => parseEfCom(hex(bytes))).toThrow(/^EF\.COM: /);
  });

  it('maps data groups to their tags and back', () => {
    expect([1, 2, 13, 14, 15, 16].map(tagOfDataGroup)).toEqual([0x61, 0x75, 0x6d, 0x6e, 0x6f, 0x70]);
    expect(dataGroupOfTag(0x6d)).toBe(13);
    expect(dataGroupOfTag(0x77)).toBeUndefined();
    expect(() => tagOfDataGroup(17)).toThrow(RangeError);
  });
});
