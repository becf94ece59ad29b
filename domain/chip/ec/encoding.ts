/**
 * Field elements and points as octet strings (BSI TR-03111 §3.1, SEC 1 §2.3): big-endian,
 * fixed length, and the uncompressed point encoding 04 ‖ x ‖ y that PACE exchanges. A point
 * from a chip is hostile: decoding refuses anything that is not a finite point on the curve,
 * which (cofactor 1 on every standardized curve) is also a point of G's prime-order group, so
 * invalid-curve and small-subgroup points never reach a scalar multiplication.
 */
import { EcError, isOnCurve, type AffinePoint, type PrimeCurve } from './curve.js';

/** The unsigned big-endian integer `bytes` encode. */
export function bytesToBigint(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** `value` as exactly `length` big-endian bytes (FE2OS / I2OS); RangeError when it does not fit. */
export function bigintToBytes(value: bigint, length: number): Uint8Array {
  if (value < 0n) throw new RangeError('negative integer has no octet string');
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  if (rest !== 0n) throw new RangeError(`integer does not fit in ${length} bytes`);
  return out;
}

/** The uncompressed encoding 04 ‖ x ‖ y, each coordinate `curve.size` bytes. */
export function encodePoint(curve: PrimeCurve, point: AffinePoint): Uint8Array {
  const out = new Uint8Array(1 + 2 * curve.size);
  out[0] = 0x04;
  out.set(bigintToBytes(point.x, curve.size), 1);
  out.set(bigintToBytes(point.y, curve.size), 1 + curve.size);
  return out;
}

/**
 * The point `bytes` encode, uncompressed. Refused with EcError: the encoding of infinity (00),
 * compressed or hybrid forms, a wrong length, coordinates not below p, and points off the curve.
 */
export function decodePoint(curve: PrimeCurve, bytes: Uint8Array, what: string): AffinePoint {
  const expected = 1 + 2 * curve.size;
  if (bytes.length === 1 && bytes[0] === 0x00) throw new EcError(`${what}: the point at infinity`);
  if (bytes[0] !== 0x04) throw new EcError(`${what}: not an uncompressed point (first byte ${bytes[0] ?? 'missing'})`);
  if (bytes.length !== expected) throw new EcError(`${what}: ${bytes.length} bytes where ${curve.name} points take ${expected}`);
  const point = {
    x: bytesToBigint(bytes.subarray(1, 1 + curve.size)),
    y: bytesToBigint(bytes.subarray(1 + curve.size)),
  };
  if (!isOnCurve(curve, point)) throw new EcError(`${what}: not a point of ${curve.name}`);
  return point;
}
