import { createHash, X509Certificate } from 'node:crypto';
import { certificatesInFile, isPemText } from '../../domain/chip/certificate-file.js';
import type { SignatureCheckPorts } from '../../domain/chip/cms-signed-data.js';
import type { Certificate } from '../../domain/chip/x509.js';
import type { DccSignerEntry } from '../../domain/trust/dcc-trust-kinds.js';
import { messageOf } from '../../platform/message-of.js';
import type { ImportFile } from './csca-import.js';
import { checkGatewaySignature, gatewaySignatureReason } from './dcc-gateway-signature.js';
import { gatewayUploadCertificates, type GatewayUpload } from './dcc-gateway-uploads.js';

/**
 * What `chot hub trust import dcc-dsc` takes from its files: the DCC document signers (DSCs)
 * kiosks will trust. Formats:
 *
 * - the EU gateway's (DGCG) trust list, `GET /trustList`: `[{kid, country, certificateType,
 *   rawData, thumbprint, signature, timestamp}]`. Only `DSC` entries are taken; each one's
 *   `thumbprint` must be the SHA-256 of its `rawData` and its `kid` the first 8 bytes of
 *   that hash, as the DCC specification defines the kid. Its `signature` (a CMS signature by
 *   the country's upload certificate) is checked when the gateway's trust anchor is given
 *   (`gateway`): then every DSC must be signed by an UPLOAD entry of its own country (from
 *   any of the files) which the anchor signed (dcc-gateway-signature.ts), and a signer from a
 *   file without gateway signatures (the other formats) is refused. Without the anchor the
 *   signatures are not checked, and the result counts the gateway entries taken so.
 * - a national verifier's list: `{"<kid>": ["<base64 DER>", …]}` (the kid checked as above);
 * - a JSON array of base64 certificates or `{certificate}` objects (the kiosk's own trust-list format);
 * - PEM (one or more CERTIFICATE blocks) or a DER certificate.
 *
 * Each certificate must parse and not be expired, and name its country (subject C): a DSC
 * that does not is skipped and listed with the reason. A file in none of these formats
 * refuses the whole import.
 */
export interface DscCandidate extends DccSignerEntry {
  readonly source: string;
  readonly subject: string;
}

export interface DscImportResult {
  readonly accepted: readonly DscCandidate[];
  readonly skipped: readonly { readonly source: string; readonly reason: string }[];
  readonly duplicates: number;
  /** With a trust anchor: the upload certificates it signed, that the DSCs were checked against. */
  readonly uploads: readonly GatewayUpload[];
  /** Without a trust anchor: how many accepted DSCs came from a gateway list whose signature was not checked. */
  readonly uncheckedGatewaySignatures: number;
}

/** The EU gateway's trust anchor(s): given, every DSC's gateway signature is checked up to one of them. */
export interface GatewayTrust {
  readonly anchors: readonly Certificate[];
  readonly ports: SignatureCheckPorts;
}

export class DccImportRefused extends Error {}

const kidOf = (der: Uint8Array): string => createHash('sha256').update(der).digest().subarray(0, 8).toString('base64');

interface RawSigner {
  readonly source: string;
  readonly base64: string;
  /** What the file says the kid is, when it says one: it must match the certificate's. */
  readonly statedKid?: string;
  readonly statedCountry?: string;
  readonly thumbprint?: string;
  /** Set for an entry of the EU gateway's list: its certificateType and its CMS signature (if any). */
  readonly gateway?: { readonly certificateType: string; readonly signature?: string };
  /** Already published by this hub (`--add`): its gateway signature was checked, or not, when it was imported. */
  readonly published?: true;
}

export function importDccSigners(input: {
  readonly files: readonly ImportFile[];
  readonly published: readonly DccSignerEntry[];
  readonly add: boolean;
  readonly now: number;
  readonly gateway?: GatewayTrust;
}): DscImportResult {
  const raw: RawSigner[] = [
    ...(input.add
      ? input.published.map((signer, index) => ({
          source: `published#${index + 1}`,
          base64: signer.certificate,
          statedKid: signer.kid,
          statedCountry: signer.country,
          published: true as const,
        }))
      : []),
  ];
  const skipped: { source: string; reason: string }[] = [];
  for (const file of input.files) raw.push(...signersInFile(file, skipped));
  // The gateway's list holds upload, CSCA and authentication certificates too: only DSCs sign
  // DCCs; the upload certificates are what the DSCs' gateway signatures are checked against.
  const anchored = input.gateway === undefined ? undefined : { ...input.gateway, uploads: gatewayUploadCertificates(raw, input.gateway, skipped) };
  const accepted: DscCandidate[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let uncheckedGatewaySignatures = 0;
  for (const signer of raw) {
    if (signer.gateway !== undefined && signer.gateway.certificateType !== 'DSC') {
      if (anchored === undefined || signer.gateway.certificateType !== 'UPLOAD')
        skipped.push({ source: signer.source, reason: `a ${signer.gateway.certificateType} certificate, not a DSC` });
      continue;
    }
    const checked = checkSigner(signer, input.now);
    if ('reason' in checked) {
      skipped.push({ source: signer.source, reason: checked.reason });
      continue;
    }
    const refusal = anchored === undefined ? undefined : gatewayRefusal(signer, checked.country, anchored);
    if (refusal !== undefined) {
      skipped.push({ source: signer.source, reason: refusal });
      continue;
    }
    if (seen.has(checked.certificate)) {
      duplicates++;
      continue;
    }
    seen.add(checked.certificate);
    accepted.push(checked);
    if (anchored === undefined && signer.gateway !== undefined) uncheckedGatewaySignatures++;
  }
  return { accepted, skipped, duplicates, uploads: anchored?.uploads ?? [], uncheckedGatewaySignatures };
}

/** Why a DSC is refused under the trust anchor: its gateway signature is not by an upload certificate of its country. */
function gatewayRefusal(signer: RawSigner, country: string, anchored: GatewayTrust & { readonly uploads: readonly GatewayUpload[] }): string | undefined {
  // Already published: this hub decided on it when it was imported.
  if (signer.published === true) return undefined;
  if (signer.gateway === undefined) return 'not from the EU gateway’s trust list: no gateway signature to check against the trust anchor';
  const ofCountry = anchored.uploads.filter((upload) => upload.country === country).map((upload) => upload.certificate);
  if (ofCountry.length === 0) return `no upload certificate of ${country} signed by the trust anchor was given`;
  const result = checkGatewaySignature(new Uint8Array(Buffer.from(signer.base64, 'base64')), signer.gateway.signature, ofCountry, anchored.ports);
  return result.check === 'valid' ? undefined : gatewaySignatureReason(result, `an upload certificate of ${country} signed by the trust anchor`);
}

function checkSigner(signer: RawSigner, now: number): DscCandidate | { reason: string } {
  const der = Buffer.from(signer.base64, 'base64');
  if (signer.thumbprint !== undefined && createHash('sha256').update(der).digest('hex') !== signer.thumbprint.toLowerCase())
    return { reason: 'its thumbprint is not the SHA-256 of its certificate' };
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch (error) {
    return { reason: `not a readable certificate: ${messageOf(error)}` };
  }
  const kid = kidOf(der);
  if (signer.statedKid !== undefined && signer.statedKid !== kid) return { reason: `its kid ${signer.statedKid} is not its certificate's (${kid})` };
  if (Date.parse(certificate.validTo) < now) return { reason: `expired ${new Date(certificate.validTo).toISOString().slice(0, 10)}` };
  const subjectCountry = /^C=([A-Z]{2})$/m.exec(certificate.subject)?.[1];
  const country = signer.statedCountry ?? subjectCountry;
  if (country === undefined || !/^[A-Z]{2}$/.test(country)) return { reason: 'no country: neither the list nor the certificate subject names one' };
  return { kid, country, certificate: der.toString('base64'), source: signer.source, subject: certificate.subject.replace(/\n/g, ', ') };
}

function signersInFile(file: ImportFile, skipped: { source: string; reason: string }[]): RawSigner[] {
  if (!isPemText(file.bytes)) {
    const json = parseJson(file.bytes);
    if (json !== undefined) return signersInJson(file.name, json, skipped);
  }
  try {
    return certificatesInFile(file.bytes).map((certificate, index) => ({
      source: `${file.name}#${index + 1}`,
      base64: Buffer.from(certificate.der).toString('base64'),
    }));
  } catch (error) {
    throw new DccImportRefused(`${file.name}: neither a DCC trust list (JSON) nor certificates (PEM, DER): ${messageOf(error)}`);
  }
}

function parseJson(bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes).trim();
  if (!text.startsWith('[') && !text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function signersInJson(name: string, json: unknown, skipped: { source: string; reason: string }[]): RawSigner[] {
  if (Array.isArray(json))
    return json.flatMap((entry: unknown, index): RawSigner[] => {
      const source = `${name}#${index + 1}`;
      if (typeof entry === 'string') return [{ source, base64: entry }];
      if (isRecord(entry) && typeof entry.rawData === 'string') {
        return [
          {
            source,
            base64: entry.rawData,
            gateway: {
              certificateType: String(entry.certificateType),
              ...(typeof entry.signature === 'string' ? { signature: entry.signature } : {}),
            },
            ...(typeof entry.kid === 'string' ? { statedKid: entry.kid } : {}),
            ...(typeof entry.country === 'string' ? { statedCountry: entry.country } : {}),
            ...(typeof entry.thumbprint === 'string' ? { thumbprint: entry.thumbprint } : {}),
          },
        ];
      }
      if (isRecord(entry) && typeof entry.certificate === 'string')
        return [{ source, base64: entry.certificate, ...(typeof entry.kid === 'string' ? { statedKid: entry.kid } : {}) }];
      skipped.push({ source, reason: 'neither a base64 certificate, a {certificate} nor a gateway entry {rawData}' });
      return [];
    });
  if (isRecord(json))
    return Object.entries(json).flatMap(([kid, certificates]): RawSigner[] => {
      if (!Array.isArray(certificates)) throw new DccImportRefused(`${name}: kid ${kid} does not name a list of certificates`);
      return certificates.map((base64: unknown, index) => ({ source: `${name}[${kid}]#${index + 1}`, base64: String(base64), statedKid: kid }));
    });
  throw new DccImportRefused(`${name}: not a DCC trust list`);
}
