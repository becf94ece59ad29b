import { decodeBase64 } from '../rules/signed-rule-set.js';
import { DerError } from './der.js';
import { parseCertificate, type Certificate } from './x509.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g;

/**
 * Every certificate in a certificate file: the PEM blocks of a PEM file (several allowed,
 * text around them ignored), else the one DER certificate the bytes are. The one reader of
 * certificate files: `chot chip read --csca`, the kiosk's `trust/csca/` folder and
 * `chot hub trust import`. Throws (DerError, TlvError) when the bytes hold none.
 */
export function certificatesInFile(bytes: Uint8Array): Certificate[] {
  // Latin-1: every byte one character, so a DER file never fails to decode on its way to the PEM search.
  let text = '';
  for (let at = 0; at < bytes.length; at += 8192) text += String.fromCharCode(...bytes.subarray(at, at + 8192));
  const blocks = [...text.matchAll(PEM_CERTIFICATE)].map((match, index) => {
    const der = decodeBase64((match[1] ?? '').replace(/\s+/g, ''));
    if (der === null) throw new DerError(`PEM certificate ${index + 1} is not base64`);
    return der;
  });
  return (blocks.length > 0 ? blocks : [bytes]).map((der) => parseCertificate(der));
}

/** Whether the bytes look like a PEM file (rather than DER): they name a PEM block. */
export function isPemText(bytes: Uint8Array): boolean {
  const head = String.fromCharCode(...bytes.subarray(0, Math.min(bytes.length, 4096)));
  return head.includes('-----BEGIN ');
}
