import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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
  return new TrustedCscaFolder(dataDir).current();
}

/**
 * The CSCAs a kiosk trusts, re-read only when the folder changed: a chip read lists the
 * folder and looks at each file's size and modification time, and parses again only the
 * files that are new or changed — so a certificate dropped in (or a hub list installed)
 * applies to the next card, while an unchanged folder costs no certificate parsing.
 */
export class TrustedCscaFolder {
  readonly #dir: string;
  readonly #parse: (bytes: Uint8Array) => readonly Certificate[];
  #files = new Map<string, { readonly stamp: string; readonly certificates: readonly Certificate[]; readonly problem?: string }>();

  constructor(dataDir: string, parse: (bytes: Uint8Array) => readonly Certificate[] = certificatesIn) {
    this.#dir = join(dataDir, CSCA_DIR);
    this.#parse = parse;
  }

  current(): TrustedCscas {
    if (!existsSync(this.#dir)) {
      this.#files = new Map();
      return { certificates: [], problems: [] };
    }
    const next = new Map<string, { readonly stamp: string; readonly certificates: readonly Certificate[]; readonly problem?: string }>();
    for (const name of readdirSync(this.#dir)
      .filter((file) => CERTIFICATE_FILE.test(file))
      .sort()) {
      const path = join(this.#dir, name);
      let stamp: string;
      try {
        const stat = statSync(path);
        stamp = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
      } catch {
        continue; // removed between the listing and the look: it is not there.
      }
      const known = this.#files.get(name);
      if (known !== undefined && known.stamp === stamp) {
        next.set(name, known);
        continue;
      }
      try {
        next.set(name, { stamp, certificates: this.#parse(readFileSync(path)) });
      } catch (error) {
        next.set(name, { stamp, certificates: [], problem: `${name}: ${messageOf(error)}` });
      }
    }
    this.#files = next;
    const files = [...next.values()];
    return {
      certificates: files.flatMap((file) => file.certificates),
      problems: files.flatMap((file) => (file.problem === undefined ? [] : [file.problem])),
    };
  }
}
