import { describe, expect, it } from 'vitest';
import { decodeBase45, encodeBase45, isBase45Text } from '../../../../domain/encoding/base45.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('base45 (RFC 9285)', () => {
  it.each([
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
    ['', ''],
  ])('%j ↔ %j (RFC examples)', (plain, encoded) => {
    expect(encodeBase45(bytes(plain))).toBe(encoded);
    expect(decodeBase45(encoded)).toEqual(bytes(plain));
  });

  it('round-trips every byte value, and the extremes of a group', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(decodeBase45(encodeBase45(all))).toEqual(all);
    expect(decodeBase45(encodeBase45(Uint8Array.of(0xff, 0xff)))).toEqual(Uint8Array.of(0xff, 0xff));
    expect(encodeBase45(Uint8Array.of(0xff, 0xff))).toBe('FGW');
    expect(decodeBase45('00')).toEqual(Uint8Array.of(0));
    expect(decodeBase45('U5')).toEqual(Uint8Array.of(255));
  });

  it.each([
    ['GGW', 'a triplet above 65535 (the RFC example)'],
    ['ZZZ', 'a triplet far above 65535'],
    ['V5', 'a final pair above 255 (256)'],
    ['::', 'a final pair far above 255'],
    ['A', 'a lone character'],
    ['BB8A', 'a lone trailing character'],
    ['bb8', 'lower case'],
    ['BB=', 'a character outside the alphabet'],
    ['BBé', 'a non-ASCII character'],
    ['BB\u0000', 'NUL'],
  ])('rejects %j: %s', (text) => {
    expect(decodeBase45(text)).toBeNull();
  });

  it('knows its alphabet, space included', () => {
    expect(isBase45Text('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:')).toBe(true);
    expect(isBase45Text('abc')).toBe(false);
    expect(isBase45Text('A=B')).toBe(false);
  });
});
