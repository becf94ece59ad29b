/**
 * The terminal side of PACE with ECDH and generic mapping (ICAO 9303-11 §4.4, BSI TR-03110):
 * it proves that terminal and chip share the password printed on the card (MRZ or CAN) without
 * sending it, and leaves both with fresh secure-messaging keys strong against eavesdropping,
 * which BAC's keys are not.
 *
 *   MSE:Set AT                  protocol, password reference, [domain parameter id]
 *   step 1  → 7C{}              ← 7C{80 z}          s = D(K_π, z), K_π = KDF(π, 3)
 *   step 2  → 7C{81 PK_map_IFD} ← 7C{82 PK_map_IC}  H = sk_map_IFD·PK_map_IC, G' = s·G + H
 *   step 3  → 7C{83 PK_IFD}     ← 7C{84 PK_IC}      K = x(sk_IFD·PK_IC), KSenc/KSmac = KDF(K, 1/2)
 *   step 4  → 7C{85 T_IFD}      ← 7C{86 T_IC}       T = MAC(KSmac, 7F49{06 OID, 86 other's key})
 *
 * Every point from the card is decoded strictly (on the curve, finite), and T_IC is verified
 * before any key is handed out. Timing is not constant (see ec/arithmetic.ts): the terminal's
 * keys live for one session only.
 */
import type { Transmit } from './apdu.js';
import { bytesEqual } from './bytes.js';
import { choosePaceOffer, type CardAccess, type PaceOffer } from './card-access.js';
import type { ChipCrypto } from './chip-crypto.js';
import { addPoints, multiplyPoint } from './ec/arithmetic.js';
import { bitLength, EcError, type AffinePoint, type PrimeCurve } from './ec/curve.js';
import { bigintToBytes, bytesToBigint, decodePoint, encodePoint } from './ec/encoding.js';
import { blockLengthOf, deriveKey, KDF_ENC, KDF_MAC, KDF_PACE_PASSWORD, type ChipCipher } from './kdf.js';
import { aesCmac, retailMac } from './mac.js';
import { mrzInformation, type MrzKeyFields } from './mrz-key.js';
import type { SessionKeys } from './secure-messaging.js';
import { encodeTlv } from './tlv.js';
import { authenticateStep, mseSetAtCommand, PASSWORD_REFERENCE, PaceError, setAuthenticationTemplate, tokenInput } from './pace-messages.js';

/**
 * The shared password: the MRZ fields BAC also uses (document number, birth and expiry
 * dates), or the card access number printed on the card. Neither is ever logged.
 */
export type PacePassword = { readonly kind: 'MRZ'; readonly mrz: MrzKeyFields } | { readonly kind: 'CAN'; readonly can: string };

export interface PaceResult {
  /** For SecureMessaging: the send sequence counter starts at zero (ICAO 9303-11 §9.8.2). */
  readonly keys: SessionKeys;
  /** The variant that ran (protocol OID, cipher, curve). */
  readonly offer: PaceOffer;
  /** The chip's ephemeral public key, encoded: chip authentication and terminal authentication refer to it. */
  readonly chipEphemeralKey: Uint8Array;
}

export interface PaceOptions {
  readonly transmit: Transmit;
  readonly crypto: ChipCrypto;
  readonly cardAccess: CardAccess;
  readonly password: PacePassword;
  /** The variant to run; by default the strongest the card offers (choosePaceOffer). */
  readonly offer?: PaceOffer;
  /**
   * When MSE:Set AT names the domain parameters (DO 84). ICAO 9303-11 requires it only when
   * they are ambiguous, and its worked example sends none; some readers' software (JMRTD,
   * gmrtd) always sends it, which chips accept too.
   */
  readonly parameterIdInSetAt?: 'when-ambiguous' | 'always';
}

/** Run PACE; PaceError (with its code) on every failure. */
export async function performPace(options: PaceOptions): Promise<PaceResult> {
  const { transmit, crypto, cardAccess, password } = options;
  const offer = options.offer ?? choosePaceOffer(cardAccess);
  if (offer === undefined) {
    const reasons = cardAccess.refused.map((refused) => refused.reason).join(', ') || 'no PACEInfo';
    throw new PaceError('pace.no-usable-offer', `EF.CardAccess offers no PACE variant this terminal runs (${reasons})`);
  }
  const { curve, cipher, oid } = offer;
  // The password is checked and turned into K_π before the card hears anything.
  const passwordKey = deriveKey(passwordBytes(password, crypto), KDF_PACE_PASSWORD, cipher, crypto);
  const sendParameterId = options.parameterIdInSetAt === 'always' || cardAccess.ambiguousDomainParameters;
  await setAuthenticationTemplate(transmit, mseSetAtCommand(oid, passwordReference(password), sendParameterId ? offer.parameterId : undefined));

  // Step 1: the card's nonce, encrypted under the password key.
  const encryptedNonce = await authenticateStep(transmit, 1, new Uint8Array(0), 0x80);
  const nonce = decryptNonce(cipher, passwordKey, encryptedNonce, crypto);

  // Step 2: generic mapping, G' = s·G + H with H the Diffie–Hellman point of the mapping keys.
  const mappingKey = generateKeyPair(curve, curve.g, crypto);
  const chipMappingKey = cardPoint(curve, await authenticateStep(transmit, 2, encodeTlv(0x81, mappingKey.encoded), 0x82), 'the mapping key');
  refuseEchoedKey(chipMappingKey, mappingKey.publicKey, 'mapping');
  const mappedGenerator = mapGenerator(curve, nonce, mappingKey.privateKey, chipMappingKey).generator;

  // Step 3: key agreement on the mapped generator.
  const ephemeralKey = generateKeyPair(curve, mappedGenerator, crypto);
  const chipKeyBytes = await authenticateStep(transmit, 3, encodeTlv(0x83, ephemeralKey.encoded), 0x84);
  const chipEphemeralKey = cardPoint(curve, chipKeyBytes, 'the ephemeral key');
  // ICAO 9303-11 §4.4.3.3.3: the terminal must check that the chip did not echo its key.
  refuseEchoedKey(chipEphemeralKey, ephemeralKey.publicKey, 'ephemeral');
  const shared = finite(multiplyPoint(curve, ephemeralKey.privateKey, chipEphemeralKey), 'the shared secret');
  const sharedSecret = bigintToBytes(shared.x, curve.size);
  const kEnc = deriveKey(sharedSecret, KDF_ENC, cipher, crypto);
  const kMac = deriveKey(sharedSecret, KDF_MAC, cipher, crypto);

  // Step 4: mutual proof. Each token covers the other side's ephemeral key.
  const chipKeyEncoded = encodePoint(curve, chipEphemeralKey);
  const terminalToken = authenticationToken(cipher, kMac, tokenInput(oid, chipKeyEncoded), crypto);
  const chipToken = await authenticateStep(transmit, 4, encodeTlv(0x85, terminalToken), 0x86);
  const expected = authenticationToken(cipher, kMac, tokenInput(oid, ephemeralKey.encoded), crypto);
  if (!bytesEqual(chipToken, expected)) throw new PaceError('pace.card-token-invalid', "the card's authentication token does not verify");
  return { keys: { cipher, kEnc, kMac, ssc: new Uint8Array(blockLengthOf(cipher)) }, offer, chipEphemeralKey: chipKeyEncoded };
}

function passwordReference(password: PacePassword): number {
  return password.kind === 'MRZ' ? PASSWORD_REFERENCE.MRZ : PASSWORD_REFERENCE.CAN;
}

/**
 * π (ICAO 9303-11 §4.4.1): SHA-1 of the MRZ information (all 20 bytes, where BAC keeps 16),
 * or the CAN's digits as they are. MrzKeyError or RangeError for a malformed password.
 */
export function passwordBytes(password: PacePassword, crypto: ChipCrypto): Uint8Array {
  if (password.kind === 'CAN') {
    if (!/^[0-9]{6}$/.test(password.can)) throw new RangeError('a CAN is six digits');
    return new TextEncoder().encode(password.can);
  }
  return crypto.hash('SHA-1', new TextEncoder().encode(mrzInformation(password.mrz)));
}

/**
 * s = D(K_π, z): AES-CBC or 3DES-CBC with a zero IV. The nonce is a whole number of blocks
 * (ICAO 9303-11 §4.4.3.3); chips send 16 bytes, two blocks under 3DES.
 */
export function decryptNonce(cipher: ChipCipher, key: Uint8Array, encrypted: Uint8Array, crypto: ChipCrypto): Uint8Array {
  const block = blockLengthOf(cipher);
  if (encrypted.length === 0 || encrypted.length % block !== 0 || encrypted.length > MAX_NONCE_LENGTH) {
    throw new PaceError('pace.invalid-card-data', `encrypted nonce of ${encrypted.length} bytes: not 1 to ${MAX_NONCE_LENGTH / block} blocks of ${block}`);
  }
  const iv = new Uint8Array(block);
  return cipher === '3DES' ? crypto.tripleDesCbc('decrypt', key, iv, encrypted) : crypto.aesCbc('decrypt', key, iv, encrypted);
}

/** Nonces are 16 bytes in practice; a much longer one is a malformed answer, not a nonce. */
const MAX_NONCE_LENGTH = 64;

/**
 * Generic mapping (ICAO 9303-11 §4.4.3.3.1): G' = s·G + H, H = sk_map_IFD · PK_map_IC.
 * PaceError when H or G' is the point at infinity (a malicious or broken card).
 */
export function mapGenerator(
  curve: PrimeCurve,
  nonce: Uint8Array,
  mappingPrivateKey: bigint,
  chipMappingKey: AffinePoint,
): { h: AffinePoint; generator: AffinePoint } {
  const h = finite(multiplyPoint(curve, mappingPrivateKey, chipMappingKey), 'the mapping point H');
  const generator = finite(addPoints(curve, multiplyPoint(curve, bytesToBigint(nonce), curve.g), h), 'the mapped generator');
  return { h, generator };
}

/** The 8-byte token: AES-CMAC truncated, or the 3DES retail MAC (which pads itself). */
export function authenticationToken(cipher: ChipCipher, key: Uint8Array, input: Uint8Array, crypto: ChipCrypto): Uint8Array {
  return cipher === '3DES' ? retailMac(key, input, crypto) : aesCmac(key, input, crypto).slice(0, 8);
}

interface KeyPair {
  readonly privateKey: bigint;
  readonly publicKey: AffinePoint;
  readonly encoded: Uint8Array;
}

/**
 * A private key uniform in [1, n − 1] from ChipCrypto.randomBytes: as many bytes as n has,
 * the bits above n's top bit cleared (so secp521r1 does not reject 127 draws in 128), and a
 * fresh draw while the value is 0 or not below n.
 */
function generateKeyPair(curve: PrimeCurve, generator: AffinePoint, crypto: ChipCrypto): KeyPair {
  const bits = bitLength(curve.n);
  const length = Math.ceil(bits / 8);
  const topMask = 0xff >>> (length * 8 - bits);
  for (let attempt = 0; attempt < 64; attempt++) {
    const bytes = crypto.randomBytes(length).slice();
    bytes[0] = (bytes[0] ?? 0) & topMask;
    const privateKey = bytesToBigint(bytes);
    if (privateKey === 0n || privateKey >= curve.n) continue;
    const publicKey = finite(multiplyPoint(curve, privateKey, generator), 'the terminal key');
    return { privateKey, publicKey, encoded: encodePoint(curve, publicKey) };
  }
  throw new Error('the random source gave 64 unusable private keys in a row: it is broken');
}

function cardPoint(curve: PrimeCurve, bytes: Uint8Array, what: string): AffinePoint {
  try {
    return decodePoint(curve, bytes, `the card's ${what}`);
  } catch (error) {
    if (error instanceof EcError) throw new PaceError('pace.invalid-card-data', error.message);
    throw error;
  }
}

function refuseEchoedKey(chipKey: AffinePoint, terminalKey: AffinePoint, what: string): void {
  if (chipKey.x === terminalKey.x && chipKey.y === terminalKey.y) {
    throw new PaceError('pace.invalid-card-data', `the card answered with the terminal's own ${what} key`);
  }
}

function finite(point: AffinePoint | null, what: string): AffinePoint {
  if (point === null) throw new PaceError('pace.invalid-card-data', `${what} is the point at infinity`);
  return point;
}
