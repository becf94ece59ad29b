/**
 * The few ASN.1 DER values the chip's security objects are made of: EF.CardAccess and DG14
 * (SecurityInfos), EF.SOD (CMS SignedData), DG15 (SubjectPublicKeyInfo). Tags and lengths are
 * read by the one BER-TLV reader (tlv.ts); this adds what DER means by them: the universal
 * tags, object identifiers as dotted strings and INTEGERs as bigints. Everything read from a
 * chip is hostile until verified, so each decoder refuses what DER does not allow instead of
 * guessing.
 */
import { readTlv, readTlvs, type Tlv } from './tlv.js';

/** What DER forbids in a value; malformed tags and lengths stay TlvError, from the TLV reader. */
export class DerError extends Error {
  override readonly name = 'DerError';
}

/** Universal tags (X.690) the ICAO security objects use. */
export const DER = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OBJECT_IDENTIFIER: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** The tag of a context-specific constructed element [n] (EXPLICIT tagging, or IMPLICIT of a constructed type). */
export function contextTag(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 30) throw new RangeError(`context tag [${n}] is not a one-byte tag`);
  return 0xa0 | n;
}

/** The one element `bytes` holds, with nothing after it (a whole file, or a whole value). */
export function readDerElement(bytes: Uint8Array, what: string): Tlv {
  const element = readTlv(bytes, 0);
  if (element.end !== bytes.length) throw new DerError(`${what}: ${bytes.length - element.end} bytes after the element`);
  return element;
}

/** `element`, which must carry `tag`. */
export function expectTag(element: Tlv, tag: number, what: string): Tlv {
  if (element.tag !== tag) throw new DerError(`${what}: tag ${hexTag(element.tag)} where ${hexTag(tag)} was expected`);
  return element;
}

/** The elements inside a constructed element (SEQUENCE, SET, [n]) that must carry `tag`. */
export function derChildren(element: Tlv, tag: number, what: string): Tlv[] {
  return readTlvs(expectTag(element, tag, what).value);
}

/** An OBJECT IDENTIFIER's content octets as a dotted string, e.g. "0.4.0.127.0.7.2.2.4.2.2". */
export function decodeOid(value: Uint8Array): string {
  if (value.length === 0) throw new DerError('empty object identifier');
  const arcs: bigint[] = [];
  let arc = 0n;
  let started = false;
  for (const byte of value) {
    // X.690 8.19.2: a subidentifier's first octet is never 0x80 (no leading zero groups).
    if (!started && byte === 0x80) throw new DerError('object identifier with a non-minimal subidentifier');
    started = true;
    arc = (arc << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(arc);
      arc = 0n;
      started = false;
    }
  }
  if (started) throw new DerError('object identifier ends inside a subidentifier');
  const first = arcs[0] ?? 0n;
  // The first subidentifier packs two arcs: 40·X + Y, X in 0..2 (only X = 2 lets Y exceed 39).
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].map(String).join('.');
}

/** The content octets of the OBJECT IDENTIFIER `dotted` (what follows tag 06 and its length). */
export function encodeOid(dotted: string): Uint8Array {
  if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(dotted)) throw new RangeError(`not an object identifier: "${dotted}"`);
  const arcs = dotted.split('.').map((arc) => BigInt(arc));
  const [x, y, ...rest] = arcs as [bigint, bigint, ...bigint[]];
  if (x < 2n && y > 39n) throw new RangeError(`object identifier "${dotted}": second arc above 39 under ${x}`);
  const out: number[] = [];
  for (const arc of [x * 40n + y, ...rest]) {
    const groups: number[] = [Number(arc & 0x7fn)];
    for (let restArc = arc >> 7n; restArc > 0n; restArc >>= 7n) groups.unshift(Number(restArc & 0x7fn) | 0x80);
    out.push(...groups);
  }
  return Uint8Array.from(out);
}

/**
 * An INTEGER's content octets (two's complement, big-endian) as a bigint. DER requires the
 * shortest form, so a redundant leading 00 or FF octet is refused rather than read.
 */
export function decodeInteger(value: Uint8Array): bigint {
  const first = value[0];
  if (first === undefined) throw new DerError('empty integer');
  const second = value[1];
  if (second !== undefined && ((first === 0x00 && second < 0x80) || (first === 0xff && second >= 0x80))) {
    throw new DerError('integer not in its shortest form');
  }
  let result = 0n;
  for (const byte of value) result = (result << 8n) | BigInt(byte);
  return first >= 0x80 ? result - (1n << BigInt(value.length * 8)) : result;
}

/** An INTEGER that must be a small non-negative number (a version, a parameter id). */
export function decodeSmallInteger(value: Uint8Array, what: string): number {
  const result = decodeInteger(value);
  if (result < 0n || result > BigInt(Number.MAX_SAFE_INTEGER)) throw new DerError(`${what}: ${result} is out of range`);
  return Number(result);
}

function hexTag(tag: number): string {
  return tag.toString(16).toUpperCase().padStart(2, '0');
}
