import { ChipError, ChipProtocolError, SW, type Transmit } from './apdu.js';
import { activeAuthenticate, type ActiveAuthResult } from './active-auth.js';
import type { ChipCrypto } from './chip-crypto.js';
import { openSession, type AccessPath, type ChipAccessKey } from './chip-access.js';
import type { PaceOffer } from './card-access.js';
import { distinguishedNameText } from './distinguished-name.js';
import { ChipReader, dataGroupFid, EF_COM, EF_SOD, type ReadProgress } from './file-reader.js';
import { parseVietnameseDg13, type VietnameseDg13 } from './lds/dg13-vietnam.js';
import { parseDg14 } from './lds/dg14.js';
import { parseDg15 } from './lds/dg15.js';
import { parseDg2FaceImage, type FaceImage } from './lds/dg2-face.js';
import { parseEfCom } from './lds/ef-com.js';
import { LdsError } from './lds/lds-error.js';
import { parseDg1, type Mrz } from './lds/mrz.js';
import { passiveAuthenticate, type PassiveAuthResult } from './passive-auth.js';
import { ChipReadError } from './read-chip-errors.js';
import { SecureMessaging, SecureMessagingError } from './secure-messaging.js';
import type { ChipSignatureVerifier } from './signature-verifier.js';
import { parseSod } from './sod.js';
import type { Certificate } from './x509.js';

/**
 * Reading a chip ID card end to end (ICAO 9303-11): open a session (PACE or BAC, chip-access.ts),
 * select the eMRTD application, read EF.COM, the data groups it lists that a gate uses (DG1
 * the MRZ, DG13 the Vietnamese card's printed facts, DG14 and DG15 for active
 * authentication; DG2 the photo only when asked: it is by far the largest file) and EF.SOD,
 * then passive authentication over every data group read and active authentication when the
 * chip has a DG15 that passive authentication vouched for (INTERNAL AUTHENTICATE goes through
 * the session: a chip answers it in plain with an error once secure messaging is on).
 *
 * Pure: card I/O through `transmit`, crypto and signatures through ports, time through the
 * scan time and an injected monotonic clock. What it returns holds personal data (DG1, DG13,
 * the photo) for the staff display only: the caller must never store or log it.
 */
export interface ReadChipOptions {
  readonly transmit: Transmit;
  readonly crypto: ChipCrypto;
  readonly verifier: ChipSignatureVerifier;
  readonly trustedCscas: readonly Certificate[];
  /** The scan's time, epoch milliseconds: the document signer must be valid then. */
  readonly scanTime: number;
  /** Milliseconds from any fixed origin (performance.now in the kiosk), for the step timings. */
  readonly clock: () => number;
  readonly key: ChipAccessKey;
  readonly paceParameterId?: number;
  /** Read DG2 (when EF.COM lists it) and return the face image. */
  readonly readPhoto?: boolean;
  readonly onPhotoProgress?: (progress: ReadProgress) => void;
  /** How far the whole read is, for a progress display: called at each step and after each chunk read. */
  readonly onProgress?: (progress: ChipReadProgress) => void;
}

/**
 * The read's progress: `handshake` (opening the session), `data` (EF.COM, the data groups but
 * DG2, EF.SOD; bytes read so far over all of them), `photo` (DG2, with its size once its
 * header is read), `checking` (passive and active authentication).
 */
export interface ChipReadProgress {
  readonly step: 'handshake' | 'data' | 'photo' | 'checking';
  readonly bytesRead: number;
  readonly bytesExpected?: number;
}

/** One step of the read and how long it took. */
export interface ChipStepTiming {
  /** "handshake", "EF.COM", "DG1"…, "EF.SOD", "active-authentication". */
  readonly step: string;
  readonly ms: number;
  /** Bytes read, for a file. */
  readonly bytes?: number;
}

export interface DocumentSignerIdentity {
  /** The issuer's name as text ("C=VN, O=…, CN=…"). */
  readonly issuer: string;
  /** The serial number's content octets, hexadecimal. */
  readonly serialNumber: string;
}

export interface ChipReadResult {
  readonly access: AccessPath;
  readonly paceOffer?: PaceOffer;
  readonly passive: PassiveAuthResult;
  /** Absent when the chip has no DG15, or passive authentication did not vouch for it. */
  readonly active?: ActiveAuthResult;
  readonly documentSigner?: DocumentSignerIdentity;
  /** The data groups read, in reading order. */
  readonly dataGroups: readonly number[];
  readonly mrz: Mrz;
  /** For the staff display only: never stored or logged. */
  readonly dg13?: VietnameseDg13;
  readonly photo?: FaceImage;
  readonly timings: readonly ChipStepTiming[];
}

/** The data groups read when EF.COM lists them; DG1 always (it is mandatory). */
const GATE_DATA_GROUPS = [1, 13, 14, 15] as const;

/** Reads and verifies the chip; ChipReadError with a typed reason when it cannot. */
export async function readChip(options: ReadChipOptions): Promise<ChipReadResult> {
  const timings: ChipStepTiming[] = [];
  const timed = async <T>(step: string, run: () => Promise<T>, bytesOf?: (value: T) => number): Promise<T> => {
    const start = options.clock();
    const value = await run();
    const bytes = bytesOf?.(value);
    timings.push({ step, ms: options.clock() - start, ...(bytes === undefined ? {} : { bytes }) });
    return value;
  };
  const size = (bytes: Uint8Array): number => bytes.length;

  const report = options.onProgress;
  let dataBytes = 0;
  const dataProgress = (progress: ReadProgress): void => report?.({ step: 'data', bytesRead: dataBytes + progress.read });
  const dataRead = (bytes: Uint8Array): number => {
    dataBytes += bytes.length;
    return bytes.length;
  };
  const photoProgress = (progress: ReadProgress): void => {
    options.onPhotoProgress?.(progress);
    report?.({ step: 'photo', bytesRead: progress.read, bytesExpected: progress.total });
  };

  try {
    report?.({ step: 'handshake', bytesRead: 0 });
    const reader = new ChipReader(options.transmit);
    const session = await timed('handshake', () =>
      openSession({ transmit: options.transmit, reader, crypto: options.crypto, key: options.key, ...optionalParameterId(options.paceParameterId) }),
    );
    reader.useSecureMessaging(new SecureMessaging(session.keys, options.crypto));
    await reader.selectApplication();

    const com = parseEfCom(await timed('EF.COM', () => reader.readFile(EF_COM, report === undefined ? undefined : dataProgress), dataRead));
    const wanted: number[] = GATE_DATA_GROUPS.filter((number) => number === 1 || com.dataGroups.includes(number));
    // Only when EF.COM lists it: a chip without a photo is read for the rest, not refused.
    if (options.readPhoto === true && com.dataGroups.includes(2)) wanted.splice(1, 0, 2);
    const dataGroups = new Map<number, Uint8Array>();
    for (const number of wanted) {
      const photo = number === 2;
      const progress = photo ? (report === undefined ? options.onPhotoProgress : photoProgress) : report === undefined ? undefined : dataProgress;
      dataGroups.set(number, await timed(`DG${number}`, () => reader.readFile(dataGroupFid(number), progress), photo ? size : dataRead));
    }
    const sod = await timed('EF.SOD', () => readOptionalFile(reader, EF_SOD, report === undefined ? undefined : dataProgress), dataRead);
    report?.({ step: 'checking', bytesRead: dataBytes });

    const passive = passiveAuthenticate({ sod, dataGroups, trustedCscas: options.trustedCscas, now: options.scanTime }, options);
    const dg1 = dataGroups.get(1);
    if (dg1 === undefined) throw new ChipReadError('chip.unreadable-data', 'DG1 was not read');
    const dg13 = dataGroups.get(13);
    const dg2 = dataGroups.get(2);
    const dg15 = dataGroups.get(15);
    const dg14 = dataGroups.get(14);
    // Only a DG15 (and DG14) whose hash passive authentication checked may be trusted for active authentication.
    const vouched = passive.outcome === 'chip-verified' || passive.outcome === 'chip-integrity-only';
    const active =
      dg15 !== undefined && vouched
        ? await timed('active-authentication', () =>
            activeAuthenticate(reader.channel, parseDg15(dg15), dg14 === undefined ? undefined : parseDg14(dg14), options),
          )
        : undefined;
    const signer = documentSignerOf(sod);
    return {
      access: session.path,
      ...(session.paceOffer === undefined ? {} : { paceOffer: session.paceOffer }),
      passive,
      ...(active === undefined ? {} : { active }),
      ...(signer === undefined ? {} : { documentSigner: signer }),
      dataGroups: [...dataGroups.keys()],
      mrz: parseDg1(dg1),
      ...(dg13 === undefined ? {} : { dg13: parseVietnameseDg13(dg13) }),
      ...(dg2 === undefined ? {} : { photo: parseDg2FaceImage(dg2) }),
      timings,
    };
  } catch (error) {
    throw asReadError(error);
  }
}

function optionalParameterId(id: number | undefined): { paceParameterId?: number } {
  return id === undefined ? {} : { paceParameterId: id };
}

/** EF.SOD, or empty bytes when the chip has none (passive authentication then says chip-unverified). */
async function readOptionalFile(reader: ChipReader, fid: number, progress?: (progress: ReadProgress) => void): Promise<Uint8Array> {
  try {
    return await reader.readFile(fid, progress);
  } catch (error) {
    if (error instanceof ChipError && error.sw === SW.FILE_NOT_FOUND) return new Uint8Array(0);
    throw error;
  }
}

function documentSignerOf(sod: Uint8Array): DocumentSignerIdentity | undefined {
  try {
    const signer = parseSod(sod).documentSigner;
    if (signer === undefined) return undefined;
    return {
      issuer: distinguishedNameText(signer.issuer),
      serialNumber: Array.from(signer.serialNumber, (byte) => byte.toString(16).padStart(2, '0')).join(''),
    };
  } catch {
    // An unreadable EF.SOD is already passive authentication's finding (chip-unverified); no identity to show.
    return undefined;
  }
}

/** Card and data failures as one typed error; anything else (a reader's fault, a bug) as it is. */
function asReadError(error: unknown): unknown {
  if (error instanceof ChipReadError) return error;
  if (error instanceof ChipError || error instanceof ChipProtocolError || error instanceof SecureMessagingError)
    return new ChipReadError('chip.read-failed', error.message, { cause: error });
  if (error instanceof LdsError) return new ChipReadError('chip.unreadable-data', error.message, { cause: error });
  return error;
}
