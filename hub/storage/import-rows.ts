/**
 * What an import hands the hub's storage: one file's rows, already validated, each with
 * the line it came from so that a problem only the storage can see (two rows of the file
 * contradicting each other) is still reported by line. Identifiers and facts only: the
 * source files' names and addresses never get this far.
 */
export const IMPORT_KINDS = ['person', 'vaccination', 'test', 'recovery', 'quarantine'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export function isImportKind(value: string): value is ImportKind {
  return (IMPORT_KINDS as readonly string[]).includes(value);
}

interface RowBase {
  /** 1-based line of the file where the row starts (line 1 is the header). */
  readonly line: number;
  /** 12-digit citizen ID, structure already checked. */
  readonly id12: string;
}

/** A person's other identifiers; absent means the person has none (the file is authoritative). */
export interface PersonImportRow extends RowBase {
  readonly oldId?: string;
  readonly bhxh?: string;
}

export interface VaccinationImportRow extends RowBase {
  readonly dose: number;
  /** YYYY-MM-DD. */
  readonly date: string;
  /** Canonical product code (findVaccineProduct), never a common name. */
  readonly product: string;
}

export interface TestImportRow extends RowBase {
  /** Epoch milliseconds: one instant has one spelling, so a re-import matches. */
  readonly takenAtMs: number;
  readonly kind: 'pcr' | 'rapid';
  readonly result: 'positive' | 'negative';
}

export interface RecoveryImportRow extends RowBase {
  /** YYYY-MM-DD. */
  readonly recoveredOn: string;
}

export interface QuarantineImportRow extends RowBase {
  readonly status: 'F0' | 'F1';
  /** YYYY-MM-DD, inclusive. */
  readonly from: string;
  /** YYYY-MM-DD, inclusive; absent while open-ended. */
  readonly to?: string;
}

export interface ImportRowOf {
  readonly person: PersonImportRow;
  readonly vaccination: VaccinationImportRow;
  readonly test: TestImportRow;
  readonly recovery: RecoveryImportRow;
  readonly quarantine: QuarantineImportRow;
}

export type ImportRow = ImportRowOf[ImportKind];

/** One bad row (or, at line 1, a bad header), in words an operator can act on. */
export interface ImportProblem {
  readonly line: number;
  readonly message: string;
}

/**
 * The file was refused and nothing was applied. `problems` lists bad rows by line (capped
 * so that a file of ten million bad rows cannot exhaust memory); `count` is how many there
 * were in all.
 */
export class ImportRejected extends Error {
  readonly problems: readonly ImportProblem[];
  readonly count: number;

  constructor(problems: readonly ImportProblem[], count = problems.length) {
    super(`${count} bad ${count === 1 ? 'row' : 'rows'}; nothing was imported`);
    this.name = 'ImportRejected';
    this.problems = [...problems].sort((a, b) => a.line - b.line);
    this.count = count;
  }
}

/** How many problems an import keeps to report; the rest are only counted. */
export const MAX_REPORTED_PROBLEMS = 10_000;
