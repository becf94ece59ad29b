import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf } from '../../platform/message-of.js';
import { parseCertificate, type Certificate } from '../../domain/chip/x509.js';

/**
 * Country signing CA certificates for passive authentication of chip ID cards: the one
 * reader of certificate files, used by `chot chip read --csca` and by the kiosk, which
 * trusts every certificate in `<data dir>/trust/csca/` (PEM, several per file, or DER).
 */
export const CSCA_DIR = join('trust', 'csca');

const CERTIFICATE_FILE = /\.(pem|crt|cer|der)$/i;

/** Every certificate in a PEM file, or the one a DER file holds. Throws when the bytes hold none. */
export function certificatesIn(bytes: Uint8Array): Certificate[] {
  const text = Buffer.from(bytes).toString('latin1');
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g)].map(
    (match) => new Uint8Array(Buffer.from(match[1] ?? '', 'base64')),
  );
  return (blocks.length > 0 ? blocks : [bytes]).map((der) => parseCertificate(der));
}

export interface TrustedCscas {
  readonly certificates: readonly Certificate[];
  /** Files that could not be read as certificates: skipped, and said (file name and why). */
  readonly problems: readonly string[];
}

/** The CSCAs a kiosk trusts now. A missing folder trusts none: chips then read as integrity-only. */
export function loadTrustedCscas(dataDir: string): TrustedCscas {
  const dir = join(dataDir, CSCA_DIR);
  if (!existsSync(dir)) return { certificates: [], problems: [] };
  const certificates: Certificate[] = [];
  const problems: string[] = [];
  for (const name of readdirSync(dir)
    .filter((file) => CERTIFICATE_FILE.test(file))
    .sort()) {
    try {
      certificates.push(...certificatesIn(readFileSync(join(dir, name))));
    } catch (error) {
      problems.push(`${name}: ${messageOf(error)}`);
    }
  }
  return { certificates, problems };
}
