import { constants, createHash, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DccSigningCertificate, DccTrustList } from '../../domain/credentials/verification.js';
import { messageOf } from '../../platform/message-of.js';

/**
 * The DCC document signers this kiosk trusts, behind the domain's `DccTrustList` port.
 * node:crypto parses the X.509 certificates and checks the signatures, so the domain
 * never sees a key or a crypto library.
 *
 * Trust-list file format (JSON), as placed by enrolment or sync:
 *   [ "<base64 DER certificate>",
 *     { "certificate": "<base64 DER certificate>", "kid": "<base64 key id>", …other fields ignored }, … ]
 * `rawData` is read like `certificate` (the EU gateway's trust-list entries name it so).
 * `kid` is optional: the key id the trust list publishes for the certificate. Without it
 * the key id is the specification's default, the first 8 bytes of the SHA-256 of the
 * DER; with it, that id is the one DCCs name (the gateway's lists carry ids that are not
 * the default for some signers, e.g. raw keys wrapped in a certificate, whose id is
 * computed over the public key; the EU reference verifier looks keys up by the listed id).
 * Plain strings and objects may be mixed; nothing else is accepted, so a wrong file
 * fails loudly at start rather than silently trusting nobody.
 */

/** One entry of a trust list: a base64 DER certificate, with the key id the list gives it if any. */
export type DccTrustListEntry = string | { readonly certificate: string; readonly kid?: string };

/** COSE algorithms (RFC 9053): ECDSA P-256 SHA-256 and RSASSA-PSS SHA-256. */
const ES256 = -7;
const PS256 = -37;
/** PS256 uses a salt as long as the hash (RFC 8230 §2), which is what the DCC signers produce. */
const PS256_SALT_LENGTH = 32;

/** `kid`: the key id the trust list gives; by default the first 8 bytes of the SHA-256 of `der`. */
export function dccSigningCertificateFromDer(der: Uint8Array, kid?: Uint8Array): DccSigningCertificate {
  const certificate = new X509Certificate(der);
  const notBefore = Date.parse(certificate.validFrom);
  const notAfter = Date.parse(certificate.validTo);
  if (Number.isNaN(notBefore) || Number.isNaN(notAfter)) throw new Error(`unreadable validity period: ${certificate.validFrom} – ${certificate.validTo}`);
  const key = certificate.publicKey;
  return {
    kid: kid ?? new Uint8Array(createHash('sha256').update(der).digest().subarray(0, 8)),
    notBefore,
    notAfter,
    // In Node, X509Certificate.keyUsage is the *extended* key usage (OIDs); undefined when absent.
    extendedKeyUsage: certificate.keyUsage ?? [],
    verify: (alg, signedData, signature) => verifyCose(key, alg, signedData, signature),
  };
}

function verifyCose(key: KeyObject, alg: number, signedData: Uint8Array, signature: Uint8Array): boolean {
  if (alg === ES256) {
    // COSE signs with raw r‖s (IEEE P1363), not DER; and ES256 means P-256 only.
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1' || signature.length !== 64) return false;
    return verify('sha256', signedData, { key, dsaEncoding: 'ieee-p1363' }, signature);
  }
  if (alg === PS256) {
    if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') return false;
    return verify('sha256', signedData, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PS256_SALT_LENGTH }, signature);
  }
  return false;
}

class InMemoryDccTrustList implements DccTrustList {
  private readonly byHexKid = new Map<string, DccSigningCertificate[]>();

  constructor(certificates: readonly DccSigningCertificate[]) {
    for (const certificate of certificates) {
      const key = Buffer.from(certificate.kid).toString('hex');
      this.byHexKid.set(key, [...(this.byHexKid.get(key) ?? []), certificate]);
    }
  }

  byKid(kid: Uint8Array): readonly DccSigningCertificate[] {
    return this.byHexKid.get(Buffer.from(kid).toString('hex')) ?? [];
  }
}

/** A trust list of the given certificates (base64 DER, with a listed key id or not). Throws on an entry that cannot be read. */
export function dccTrustListFromCertificates(entries: readonly DccTrustListEntry[]): DccTrustList {
  return new InMemoryDccTrustList(
    entries.map((entry, index) => {
      const { certificate, kid } = typeof entry === 'string' ? { certificate: entry, kid: undefined } : entry;
      const listed = kid === undefined ? undefined : listedKid(kid, index);
      try {
        return dccSigningCertificateFromDer(Buffer.from(certificate, 'base64'), listed);
      } catch (error) {
        throw new Error(`DCC trust list: certificate ${index + 1} is not a readable X.509 certificate (${messageOf(error)})`, { cause: error });
      }
    }),
  );
}

/** A listed key id: base64 of 1 to 64 bytes (the specification's ids are 8). */
function listedKid(text: string, index: number): Uint8Array {
  const bytes = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || bytes.length === 0 || bytes.length > 64)
    throw new Error(`DCC trust list: entry ${index + 1} has a kid that is not a base64 key id of 1 to 64 bytes`);
  return new Uint8Array(bytes);
}

/** The entries of a trust-list file's text (format above). */
export function parseDccTrustListFile(text: string): DccTrustListEntry[] {
  const data: unknown = JSON.parse(text);
  if (!Array.isArray(data)) throw new Error('DCC trust list: expected a JSON array of certificates');
  return data.map((entry: unknown, index) => {
    if (typeof entry === 'string') return entry;
    if (typeof entry === 'object' && entry !== null) {
      const record = entry as { certificate?: unknown; rawData?: unknown; kid?: unknown };
      const certificate = typeof record.certificate === 'string' ? record.certificate : record.rawData;
      if (typeof certificate === 'string') {
        if (record.kid === undefined) return { certificate };
        if (typeof record.kid === 'string') return { certificate, kid: record.kid };
        throw new Error(`DCC trust list: entry ${index + 1} has a "kid" that is not a base64 string`);
      }
    }
    throw new Error(`DCC trust list: entry ${index + 1} is neither a base64 string nor an object with a "certificate" string`);
  });
}

/** One trust list from trust-list files plus certificates named directly (e.g. on the command line). */
export function loadDccTrustList(sources: { readonly files?: readonly string[]; readonly base64Certificates?: readonly string[] }): DccTrustList {
  const fromFiles = (sources.files ?? []).flatMap((file) => {
    try {
      return parseDccTrustListFile(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file}: ${messageOf(error)}`, { cause: error });
    }
  });
  return dccTrustListFromCertificates([...fromFiles, ...(sources.base64Certificates ?? [])]);
}
