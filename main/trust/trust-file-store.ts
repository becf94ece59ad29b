import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HubKeyStore } from '../../domain/credentials/verification.js';
import { trustFileError, verifySignedTrustFile, type SignedTrustFile, type TrustFileError, type TrustFileKind } from '../../domain/trust/signed-trust-file.js';
import { OWNER_ONLY_DIR_MODE, OWNER_ONLY_FILE_MODE } from '../../platform/owner-only-files.js';
import { INSTALLED_TRUST_DIR } from './installed-trust-files.js';
import { HUB_STAFF_FILE } from '../staff/hub-staff-list.js';
import { CSCA_DIR } from './csca-certificates.js';
import { compileDccSchema } from './dcc-schema-validator.js';
import { HUB_DCC_SCHEMAS_FILE, HUB_DCC_TRUST_LIST_FILE, HUB_DCC_VALUE_SETS_FILE } from './kiosk-trust.js';

export { INSTALLED_TRUST_DIR };

/** The one file of `trust/csca/` the sync owns; every other file there is left alone. */
export const HUB_CSCA_FILE = join(CSCA_DIR, 'hub-csca-list.pem');

/**
 * Where each kind's content goes, and in what form: the form the kiosk's reader of that kind
 * already takes (loadTrustedCscas reads PEM files of trust/csca/), so hand-placed files and
 * the hub's count alike; the staff list goes whole beside the local staff-pins.json, which the
 * staff PIN store reads with it. The DCC kinds go to their own `*.hub.json` beside the files
 * placed by hand (kiosk-trust.ts): the signers in the trust-list format parseDccTrustListFile
 * reads, the schemas and value sets as the lists the file carries.
 * Undefined content: nothing to write (an empty list), the file is removed.
 */
const TARGETS: {
  readonly [K in TrustFileKind]: {
    readonly file: string;
    readonly content: (file: SignedTrustFile<K>) => string | undefined;
    /** What the domain's check cannot see and the kiosk's reader would fail on: undefined when none. */
    readonly problem?: (file: SignedTrustFile<K>) => string | undefined;
  };
} = {
  csca: {
    file: HUB_CSCA_FILE,
    content: (file) =>
      file.certificates.length === 0
        ? undefined
        : [
            `The hub's signed CSCA list, version ${file.version}, issued ${file.issuedAt}: written by the kiosk's sync, which`,
            'replaces this file whenever the hub publishes a newer list. Certificates of your own go in other files of this folder.',
            ...file.certificates.map(
              (base64) => `-----BEGIN CERTIFICATE-----\n${base64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----`,
            ),
            '',
          ].join('\n'),
  },
  staff: { file: HUB_STAFF_FILE, content: (file) => `${JSON.stringify(file, null, 2)}\n` },
  'dcc-dsc': { file: HUB_DCC_TRUST_LIST_FILE, content: (file) => jsonList(file.signers) },
  'dcc-schemas': { file: HUB_DCC_SCHEMAS_FILE, content: (file) => jsonList(file.schemas), problem: schemaThatDoesNotCompile },
  'dcc-value-sets': { file: HUB_DCC_VALUE_SETS_FILE, content: (file) => jsonList(file.valueSets) },
};

/** A schema ajv cannot compile would stop the kiosk at its next start: refused at the door instead. */
function schemaThatDoesNotCompile(file: SignedTrustFile<'dcc-schemas'>): string | undefined {
  for (const entry of file.schemas) {
    try {
      compileDccSchema(entry.schema);
    } catch (error) {
      return `schema ${entry.version} does not compile: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return undefined;
}

function jsonList(entries: readonly unknown[]): string | undefined {
  return entries.length === 0 ? undefined : `${JSON.stringify(entries)}\n`;
}

export type TrustInstallResult =
  | {
      readonly ok: true;
      readonly kind: TrustFileKind;
      readonly version: number;
      readonly file: string;
      /** False: this version was installed already. */ readonly changed: boolean;
    }
  | { readonly ok: false; readonly error: TrustFileError };

/** Where the sync installs trust files: TrustFileStore, or a test double. */
export interface TrustFileInstaller {
  install(document: unknown): TrustInstallResult;
}

/**
 * The kiosk's hub-signed trust files. A document is installed only if a pinned hub key
 * signed it, its kind is known and it is not older than the version installed (a replayed
 * older list could bring back a CSCA the hub has since dropped); the kind's content file is
 * written first and the signed document, which records the version, after it, each to a
 * temporary file renamed over the old one — a kiosk stopped half-way keeps a whole file,
 * and the next sync finishes the job. A refused document changes nothing: the last good stays.
 */
export class TrustFileStore implements TrustFileInstaller {
  constructor(
    private readonly dataDir: string,
    private readonly hubKeys: HubKeyStore,
  ) {}

  /** The version of `kind` installed, if any. */
  installedVersion(kind: TrustFileKind): number | undefined {
    const file = join(this.dataDir, INSTALLED_TRUST_DIR, `${kind}.json`);
    if (!existsSync(file)) return undefined;
    try {
      const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
      return Number.isSafeInteger(version) ? (version as number) : undefined;
    } catch {
      // A damaged record: the content file beside it is still what was installed; the next good document replaces both.
      return undefined;
    }
  }

  install(document: unknown): TrustInstallResult {
    const verified = verifySignedTrustFile(document, this.hubKeys);
    if (!verified.ok) return verified;
    const file = verified.file;
    const installed = this.installedVersion(file.kind);
    if (installed !== undefined && file.version < installed)
      return { ok: false, error: trustFileError('trust.rollback', `version ${file.version}, installed ${installed}`) };
    const target = TARGETS[file.kind] as {
      file: string;
      content: (file: SignedTrustFile) => string | undefined;
      problem?: (file: SignedTrustFile) => string | undefined;
    };
    const problem = target.problem?.(file);
    if (problem !== undefined) return { ok: false, error: trustFileError('trust.bad-content', problem) };
    const targetFile = join(this.dataDir, target.file);
    try {
      const content = target.content(file);
      if (content === undefined) rmSync(targetFile, { force: true });
      else writeAtomically(targetFile, content);
      writeAtomically(join(this.dataDir, INSTALLED_TRUST_DIR, `${file.kind}.json`), `${JSON.stringify(document, null, 2)}\n`);
    } catch (error) {
      return { ok: false, error: trustFileError('trust.unwritable', error instanceof Error ? error.message : String(error)) };
    }
    return { ok: true, kind: file.kind, version: file.version, file: targetFile, changed: installed !== file.version };
  }
}

function writeAtomically(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: OWNER_ONLY_DIR_MODE });
  writeFileSync(`${file}.tmp`, content, { mode: OWNER_ONLY_FILE_MODE });
  renameSync(`${file}.tmp`, file);
}
