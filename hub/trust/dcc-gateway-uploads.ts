import { createHash } from 'node:crypto';
import type { SignatureCheckPorts } from '../../domain/chip/cms-signed-data.js';
import { distinguishedNameText } from '../../domain/chip/distinguished-name.js';
import { parseCertificate, type Certificate } from '../../domain/chip/x509.js';
import { messageOf } from '../../platform/message-of.js';
import { checkGatewaySignature, gatewaySignatureReason } from './dcc-gateway-signature.js';

/** A country's upload certificate that the gateway's trust anchor signed: the DSCs of that country are checked against it. */
export interface GatewayUpload {
  readonly source: string;
  readonly country: string;
  readonly certificate: Certificate;
  readonly subject: string;
}

/** What the import read from a gateway entry (dcc-dsc-import.ts's RawSigner). */
interface GatewayEntry {
  readonly source: string;
  readonly base64: string;
  readonly statedCountry?: string;
  readonly thumbprint?: string;
  readonly gateway?: { readonly certificateType: string; readonly signature?: string };
}

/**
 * The UPLOAD entries among `entries` whose gateway signature is the trust anchor's; every
 * other UPLOAD entry is listed in `skipped` with why. Not checked, as the gateway does not
 * either: the upload certificate's validity period (a DSC uploaded while it was valid stays
 * uploaded) — the DSC's own expiry is checked.
 */
export function gatewayUploadCertificates(
  entries: readonly GatewayEntry[],
  trust: { readonly anchors: readonly Certificate[]; readonly ports: SignatureCheckPorts },
  skipped: { source: string; reason: string }[],
): GatewayUpload[] {
  const uploads: GatewayUpload[] = [];
  for (const entry of entries) {
    if (entry.gateway?.certificateType !== 'UPLOAD') continue;
    const refuse = (reason: string): void => {
      skipped.push({ source: entry.source, reason: `upload certificate: ${reason}` });
    };
    const der = new Uint8Array(Buffer.from(entry.base64, 'base64'));
    if (entry.thumbprint !== undefined && createHash('sha256').update(der).digest('hex') !== entry.thumbprint.toLowerCase()) {
      refuse('its thumbprint is not the SHA-256 of its certificate');
      continue;
    }
    let certificate: Certificate;
    try {
      certificate = parseCertificate(der);
    } catch (error) {
      refuse(`not a readable certificate: ${messageOf(error)}`);
      continue;
    }
    const country = entry.statedCountry;
    if (country === undefined || !/^[A-Z]{2}$/.test(country)) {
      refuse('the list names no country for it');
      continue;
    }
    const result = checkGatewaySignature(der, entry.gateway.signature, trust.anchors, trust.ports);
    if (result.check !== 'valid') {
      refuse(gatewaySignatureReason(result, 'the trust anchor'));
      continue;
    }
    uploads.push({ source: entry.source, country, certificate, subject: distinguishedNameText(certificate.subject) });
  }
  return uploads;
}
