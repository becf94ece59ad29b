import { certificatesInFile, isPemText } from '../../domain/chip/certificate-file.js';
import type { SignatureCheckPorts } from '../../domain/chip/cms-signed-data.js';
import { cscaRefusal, CSCA_REFUSAL_TEXT } from '../../domain/chip/csca-check.js';
import { checkMasterListSignature, parseCscaMasterList, type MasterListSignature } from '../../domain/chip/csca-master-list.js';
import { distinguishedNameText } from '../../domain/chip/distinguished-name.js';
import { parseCertificate, type Certificate } from '../../domain/chip/x509.js';
import { messageOf } from '../../platform/message-of.js';

/**
 * What `chot hub trust import csca` decides from the files it is given: which certificates
 * the hub's CSCA list will hold. Pure of I/O (the CLI reads the files and publishes): each
 * file is PEM or DER certificates, or an ICAO CSCA master list; each certificate must parse,
 * be a CA and not be expired. A master list's own signature is checked when a CSCA given
 * beside it (a PEM/DER file of the same import) or already published issued its signer.
 */
export interface ImportFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface CscaCandidate {
  readonly certificate: Certificate;
  /** Where it came from: a file name, `name#index` for a master list's entry, or `published`. */
  readonly source: string;
  readonly subject: string;
}

export interface CscaImportResult {
  /** The new list, without duplicates, in the order found. */
  readonly accepted: readonly CscaCandidate[];
  /** Certificates read but not taken, and why (expired, not a CA…). */
  readonly skipped: readonly (CscaCandidate & { readonly reason: string })[];
  /** Master list entries that could not be read as certificates. */
  readonly unreadableEntries: readonly { readonly source: string; readonly error: string }[];
  readonly masterLists: readonly { readonly file: string; readonly certificates: number; readonly signature: MasterListSignature }[];
  /** The same certificate given more than once: kept once. */
  readonly duplicates: number;
}

/** The import cannot go on: nothing is published. */
export class CscaImportRefused extends Error {}

export interface CscaImportInput {
  readonly files: readonly ImportFile[];
  /** The certificates the hub publishes now (base64 DER). */
  readonly published: readonly string[];
  /** Keep the published certificates beside the new ones (else the files' certificates replace them). */
  readonly add: boolean;
  readonly now: number;
  readonly ports: SignatureCheckPorts;
}

export function importCscas(input: CscaImportInput): CscaImportResult {
  const published = input.published.map((base64, index) =>
    candidate(parseCertificate(new Uint8Array(Buffer.from(base64, 'base64'))), `published#${index + 1}`),
  );
  const fromFiles: CscaCandidate[] = [];
  const lists: { file: string; list: ReturnType<typeof parseCscaMasterList> }[] = [];
  for (const file of input.files) {
    const read = readImportFile(file);
    if ('list' in read) lists.push({ file: file.name, list: read.list });
    else
      fromFiles.push(
        ...read.certificates.map((certificate, index) => candidate(certificate, read.certificates.length > 1 ? `${file.name}#${index + 1}` : file.name)),
      );
  }
  // Anchors for a list's signer: certificates from outside every list, never a list's own.
  const anchors = [...fromFiles, ...published].filter((c) => cscaRefusal(c.certificate, input.now) === undefined).map((c) => c.certificate);
  const fromLists: CscaCandidate[] = [];
  const unreadableEntries: { source: string; error: string }[] = [];
  const masterLists: CscaImportResult['masterLists'][number][] = [];
  for (const { file, list } of lists) {
    const signature = checkMasterListSignature(list, anchors, input.ports);
    if (signature.outcome === 'invalid') throw new CscaImportRefused(`${file}: the master list's signature is invalid: ${signature.reason}`);
    masterLists.push({ file, certificates: list.entries.length, signature });
    list.entries.forEach((entry, index) => {
      if (entry.ok) fromLists.push(candidate(entry.certificate, `${file}#${index + 1}`));
      else unreadableEntries.push({ source: `${file}#${index + 1}`, error: entry.error });
    });
  }
  const accepted: CscaCandidate[] = [];
  const skipped: (CscaCandidate & { reason: string })[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const c of [...(input.add ? published : []), ...fromFiles, ...fromLists]) {
    const key = Buffer.from(c.certificate.der).toString('base64');
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    const refusal = cscaRefusal(c.certificate, input.now);
    if (refusal === undefined) accepted.push(c);
    else skipped.push({ ...c, reason: CSCA_REFUSAL_TEXT[refusal] });
  }
  return { accepted, skipped, unreadableEntries, masterLists, duplicates };
}

/** A file's certificates, or its master list. Throws CscaImportRefused naming the file when it is neither. */
function readImportFile(file: ImportFile): { certificates: Certificate[] } | { list: ReturnType<typeof parseCscaMasterList> } {
  if (isPemText(file.bytes)) {
    try {
      return { certificates: certificatesInFile(file.bytes) };
    } catch (error) {
      throw new CscaImportRefused(`${file.name}: not a PEM certificate file: ${messageOf(error)}`);
    }
  }
  try {
    return { certificates: [parseCertificate(file.bytes)] };
  } catch (certificateError) {
    try {
      return { list: parseCscaMasterList(file.bytes) };
    } catch (listError) {
      throw new CscaImportRefused(
        `${file.name}: neither a certificate (PEM or DER) nor a CSCA master list (as a certificate: ${messageOf(certificateError)}; as a master list: ${messageOf(listError)})`,
      );
    }
  }
}

function candidate(certificate: Certificate, source: string): CscaCandidate {
  return { certificate, source, subject: subjectText(certificate) };
}

export function subjectText(certificate: Certificate): string {
  try {
    return distinguishedNameText(certificate.subject);
  } catch {
    return '(a subject that cannot be read)';
  }
}
