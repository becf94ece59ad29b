/**
 * Point addition and scalar multiplication in Jacobian coordinates (X, Y, Z) ↔ (X/Z², Y/Z³),
 * so a multiplication costs one field inversion instead of one per step.
 *
 * NOT constant-time: double-and-add branches on the scalar's bits and bigint operations take
 * data-dependent time. That is acceptable on the terminal side of PACE, whose scalars are
 * ephemeral (fresh per session, discarded after it) and whose timing a card cannot observe at
 * the precision needed; do not reuse this for long-term private keys.
 */
import { EcError, mod, modInverse, type AffinePoint, type EcPoint, type PrimeCurve } from './curve.js';

interface JacobianPoint {
  readonly x: bigint;
  readonly y: bigint;
  /** Z = 0 is the point at infinity. */
  readonly z: bigint;
}

const JACOBIAN_INFINITY: JacobianPoint = { x: 1n, y: 1n, z: 0n };

function toJacobian(point: EcPoint): JacobianPoint {
  return point === null ? JACOBIAN_INFINITY : { x: point.x, y: point.y, z: 1n };
}

function toAffine(curve: PrimeCurve, point: JacobianPoint): EcPoint {
  if (point.z === 0n) return null;
  const zInverse = modInverse(point.z, curve.p);
  const zInverse2 = mod(zInverse * zInverse, curve.p);
  return { x: mod(point.x * zInverse2, curve.p), y: mod(point.y * zInverse2 * zInverse, curve.p) };
}

/** 2P: the textbook Jacobian doubling, valid for any a (the brainpool curves have a ≠ −3). */
function double(curve: PrimeCurve, point: JacobianPoint): JacobianPoint {
  const { p, a } = curve;
  if (point.z === 0n || point.y === 0n) return JACOBIAN_INFINITY;
  const xx = mod(point.x * point.x, p);
  const yy = mod(point.y * point.y, p);
  const yyyy = mod(yy * yy, p);
  const zz = mod(point.z * point.z, p);
  const s = mod(4n * point.x * yy, p);
  const m = mod(3n * xx + a * zz * zz, p);
  const x = mod(m * m - 2n * s, p);
  const y = mod(m * (s - x) - 8n * yyyy, p);
  const z = mod(2n * point.y * point.z, p);
  return { x, y, z };
}

/** P + Q, for every case: either at infinity, P = Q (doubling), P = −Q (infinity). */
function add(curve: PrimeCurve, first: JacobianPoint, second: JacobianPoint): JacobianPoint {
  const { p } = curve;
  if (first.z === 0n) return second;
  if (second.z === 0n) return first;
  const z1z1 = mod(first.z * first.z, p);
  const z2z2 = mod(second.z * second.z, p);
  const u1 = mod(first.x * z2z2, p);
  const u2 = mod(second.x * z1z1, p);
  const s1 = mod(first.y * second.z * z2z2, p);
  const s2 = mod(second.y * first.z * z1z1, p);
  if (u1 === u2) return s1 === s2 ? double(curve, first) : JACOBIAN_INFINITY;
  const h = mod(u2 - u1, p);
  const r = mod(s2 - s1, p);
  const hh = mod(h * h, p);
  const hhh = mod(hh * h, p);
  const v = mod(u1 * hh, p);
  const x = mod(r * r - hhh - 2n * v, p);
  const y = mod(r * (v - x) - s1 * hhh, p);
  const z = mod(h * first.z * second.z, p);
  return { x, y, z };
}

/** P + Q in affine terms; null stands for the point at infinity, as argument and as result. */
export function addPoints(curve: PrimeCurve, first: EcPoint, second: EcPoint): EcPoint {
  return toAffine(curve, add(curve, toJacobian(first), toJacobian(second)));
}

/** −P. */
export function negatePoint(curve: PrimeCurve, point: EcPoint): EcPoint {
  return point === null ? null : { x: point.x, y: mod(-point.y, curve.p) };
}

/**
 * k·P by left-to-right double-and-add. The scalar is taken as given, not reduced mod n, so
 * n·G = infinity can be checked; a negative scalar is a programming error.
 */
export function multiplyPoint(curve: PrimeCurve, scalar: bigint, point: EcPoint): EcPoint {
  if (scalar < 0n) throw new EcError('negative scalar');
  const base = toJacobian(point);
  let result = JACOBIAN_INFINITY;
  for (const bit of scalar.toString(2)) {
    result = double(curve, result);
    if (bit === '1') result = add(curve, result, base);
  }
  return toAffine(curve, result);
}

/** k·P that must be a finite point: a result at infinity means a broken key or peer. */
export function multiplyToFinite(curve: PrimeCurve, scalar: bigint, point: AffinePoint, what: string): AffinePoint {
  const result = multiplyPoint(curve, scalar, point);
  if (result === null) throw new EcError(`${what} is the point at infinity`);
  return result;
}
