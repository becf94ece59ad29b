/**
 * Short Weierstrass curves y² = x³ + ax + b over a prime field, the only kind the ICAO 9303
 * standardized PACE domain parameters use, and the modular arithmetic they need (bigint, pure).
 */
export class EcError extends Error {
  override readonly name = 'EcError';
}

export interface AffinePoint {
  readonly x: bigint;
  readonly y: bigint;
}

/** A point, or null for the point at infinity (the group's neutral element). */
export type EcPoint = AffinePoint | null;

export interface PrimeCurve {
  /** The SEC 2 / RFC 5639 name, e.g. "brainpoolP256r1". */
  readonly name: string;
  /** The id ICAO 9303-11 gives it among the standardized domain parameters (8–18). */
  readonly parameterId: number;
  /** Bytes of one field element (⌈log₂ p / 8⌉): each coordinate's length in an encoded point. */
  readonly size: number;
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
  /** The base point G. */
  readonly g: AffinePoint;
  /** The order of G. */
  readonly n: bigint;
  /** The cofactor: 1 for every standardized PACE curve, so every finite curve point lies in G's group. */
  readonly h: bigint;
}

/** a mod m in [0, m), whatever the sign of a. */
export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** a⁻¹ mod m by the extended Euclidean algorithm; m must be prime and a not a multiple of it. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  if (oldR === 0n) throw new EcError('no inverse of zero');
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new EcError('not invertible');
  return mod(oldS, m);
}

/** Whether (x, y) are field elements satisfying the curve equation. */
export function isOnCurve(curve: PrimeCurve, point: AffinePoint): boolean {
  const { p, a, b } = curve;
  const { x, y } = point;
  if (x < 0n || x >= p || y < 0n || y >= p) return false;
  return mod(y * y - (x * x * x + a * x + b), p) === 0n;
}

/** The number of bits of a non-negative bigint. */
export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}
