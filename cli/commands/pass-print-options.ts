import { chmodSync, writeFileSync } from 'node:fs';
import { holderNameProblem, isHolderBirthYear, HOLDER_BIRTH_YEARS, type PassHolder } from '../../domain/credentials/pass/pass-codec.js';
import { visibleText } from '../../domain/text/visible-text.js';
import type { HubSigningKey } from '../../hub/keys/hub-signing-key.js';
import { CARD_SIZES, sheetPage, type CardSize } from '../../hub/passes/pass-card-layout.js';
import { renderPassCardsPdf } from '../../hub/passes/pass-card-pdf.js';
import { OWNER_ONLY_FILE_MODE } from '../../platform/owner-only-files.js';
import { UsageError } from '../args.js';

/** The options every command that prints passes takes (issue-pass, badges), for parseCommandArgs. */
export const PASS_PRINT_OPTIONS = {
  card: { type: 'string' },
  out: { type: 'string' },
  issuer: { type: 'string' },
} as const;

/** The holder options of a single pass. */
export const PASS_HOLDER_OPTIONS = {
  name: { type: 'string' },
  'birth-year': { type: 'string' },
} as const;

export interface PassPrint {
  readonly size: CardSize;
  readonly out: string;
  readonly issuer: string;
}

/** An issuer printed on a card is one short line. */
const ISSUER_MAX_CHARS = 60;

/** Where and how to print; undefined when neither --card nor --out is given and `required` is false. */
export function parsePassPrint(
  values: { card?: string | undefined; out?: string | undefined; issuer?: string | undefined },
  key: HubSigningKey,
  required: boolean,
): PassPrint | undefined {
  if (values.card === undefined && values.out === undefined && !required) {
    if (values.issuer !== undefined) throw new UsageError('--issuer is printed on a card: give it with --card and --out');
    return undefined;
  }
  const size = values.card ?? 'id1';
  if (!(CARD_SIZES as readonly string[]).includes(size)) throw new UsageError(`--card must be ${CARD_SIZES.join(' or ')}`);
  if (values.out === undefined || !values.out.toLowerCase().endsWith('.pdf')) throw new UsageError('--out FILE.pdf is where the printable PDF goes');
  const issuer = visibleText(values.issuer ?? `Hub Chốt ${key.keyId}`);
  if (issuer === '' || issuer.length > ISSUER_MAX_CHARS) throw new UsageError(`--issuer is the issuing office's name, 1–${ISSUER_MAX_CHARS} characters`);
  return { size: size as CardSize, out: values.out, issuer };
}

/** --name and --birth-year as the pass's signed holder, or undefined when neither is given. */
export function parseHolderOptions(values: { name?: string | undefined; 'birth-year'?: string | undefined }): PassHolder | undefined {
  const name = values.name === undefined ? undefined : visibleText(values.name);
  const nameProblem = name === undefined ? undefined : holderNameProblem(name);
  if (nameProblem !== undefined) throw new UsageError(`--name: ${nameProblem}`);
  const yearText = values['birth-year'];
  const birthYear = yearText === undefined ? undefined : Number(yearText);
  if (birthYear !== undefined && !(/^\d{4}$/.test(yearText ?? '') && isHolderBirthYear(birthYear))) {
    throw new UsageError(`--birth-year must be a year, ${HOLDER_BIRTH_YEARS.min}–${HOLDER_BIRTH_YEARS.max}`);
  }
  if (name === undefined && birthYear === undefined) return undefined;
  return { ...(name === undefined ? {} : { name }), ...(birthYear === undefined ? {} : { birthYear }) };
}

/**
 * Writes the passes' cards as a PDF, owner-only: it holds names and birth years for the operator
 * to print, not for other users of the machine. Returns the number of pages.
 */
export async function writePassCards(passes: readonly string[], print: PassPrint, layout: 'single' | 'sheet'): Promise<number> {
  const pdf = await renderPassCardsPdf(passes, { size: print.size, layout, issuer: print.issuer });
  writeFileSync(print.out, pdf, { mode: OWNER_ONLY_FILE_MODE });
  // The mode above applies only to a new file: a reprint over an older one is made owner-only too.
  chmodSync(print.out, OWNER_ONLY_FILE_MODE);
  return layout === 'single' ? passes.length : Math.ceil(passes.length / sheetPage(print.size).slots.length);
}
