import { bytesEqual } from '../../domain/chip/bytes.js';
import { checkSignedDataSignature, parseSignedDataContentInfo, type SignatureCheckPorts } from '../../domain/chip/cms-signed-data.js';
import type { Certificate } from '../../domain/chip/x509.js';
import { messageOf } from '../../platform/message-of.js';

/**
 * The EU DCC gateway's (DGCG) own signatures on its trust list. Each entry of `GET /trustList`
 * carries `signature`: a detached CMS SignedData (RFC 5652, content type id-data, signed
 * attributes) over the entry's certificate, its DER as in `rawData`.
 *
 * - An UPLOAD entry (a country's upload certificate) is signed by the gateway's trust anchor:
 *   the gateway operator onboarded that country.
 * - A DSC entry is signed by the country's upload certificate: the country itself uploaded it.
 *
 * So the chain a verifier checks is trust anchor → upload certificate → DSC, as the gateway's
 * own connector library does. Here a signature counts when it verifies with the key of one of
 * the certificates allowed to sign it; the certificate the CMS carries is only a hint.
 */
export type GatewaySignatureCheck = 'valid' | 'missing' | 'malformed' | 'other-content' | 'no-signed-attributes' | 'unsupported' | 'not-by-signer';

const ID_DATA = '1.2.840.113549.1.7.1';

export function checkGatewaySignature(
  signed: Uint8Array,
  signatureBase64: string | undefined,
  signers: readonly Certificate[],
  ports: SignatureCheckPorts,
): { readonly check: GatewaySignatureCheck; readonly detail?: string } {
  if (signatureBase64 === undefined || signatureBase64.trim() === '') return { check: 'missing' };
  let signedData;
  try {
    signedData = parseSignedDataContentInfo(new Uint8Array(Buffer.from(signatureBase64, 'base64')), signed);
  } catch (error) {
    return { check: 'malformed', detail: messageOf(error) };
  }
  // A SignedData that carries its own content must carry this certificate, not another.
  if (!bytesEqual(signedData.content, signed)) return { check: 'other-content' };
  let unsupported = false;
  for (const signer of signers) {
    const check = checkSignedDataSignature({ ...signedData, signerCertificate: signer }, ID_DATA, ports);
    if (check === 'valid') return { check: 'valid' };
    if (check === 'no-signed-attributes') return { check };
    if (check === 'content-mismatch') return { check: 'other-content' };
    if (check === 'unsupported') unsupported = true;
  }
  return { check: unsupported ? 'unsupported' : 'not-by-signer' };
}

/** Why an entry's gateway signature was refused, naming who should have signed it (`by`). */
export function gatewaySignatureReason(result: { readonly check: GatewaySignatureCheck; readonly detail?: string }, by: string): string {
  switch (result.check) {
    case 'valid':
      return 'its gateway signature is valid';
    case 'missing':
      return 'it has no gateway signature to check';
    case 'malformed':
      return `its gateway signature is not a CMS signature: ${result.detail ?? ''}`;
    case 'other-content':
      return 'its gateway signature is not over this certificate';
    case 'no-signed-attributes':
      return 'its gateway signature has no signed attributes (content type, message digest)';
    case 'unsupported':
      return `its gateway signature uses an algorithm or key this hub cannot check (signer: ${by})`;
    case 'not-by-signer':
      return `its gateway signature is not by ${by}`;
  }
}
