import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf } from '../../platform/message-of.js';
import { certificatesInFile } from '../../domain/chip/certificate-file.js';
import type { Certificate } from '../../domain/chip/x509.js';

/**
 * Country signing CA certificates for passive authentication of chip ID cards, read by the
 * one reader of certificate files (domain/chip/certificate-file.ts) for `chot chip read
 * --csca` and for the kiosk, which trusts every certificate in `<data dir>/trust/csca/` (PEM, several per file, or DER): the
 * list the hub signs (installed there by the sync as one file it owns, trust-file-store.ts)
 * and any an installer placed by hand.
 */
export const CSCA_DIR = join('trust', 'csca');

const CERTIFICATE_FILE = /\.(pem|crt|cer|der)$/i;

/** Every certificate in a PEM file, or the one a DER file holds. Throws when the bytes hold none. */
export const certificatesIn = certificatesInFile;

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
