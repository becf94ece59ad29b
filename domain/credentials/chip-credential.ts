import { chipAuthenticity } from '../chip/passive-auth.js';
import { documentSignerId } from '../entries/document-signer-id.js';
import type { ChipReadResult } from '../chip/read-chip.js';
import { hasLetter } from '../text/visible-text.js';
import { parseDdMmYyyy } from '../time/calendar-date.js';
import { ID12_PATTERN, OLD_ID9_PATTERN } from './citizen-id.js';
import type { ChipCheck, ChipCredential, CredentialProblem, PersonIdentifiers, SubjectDisplay } from './credential.js';

/**
 * The credential a chip read gives (domain/chip/read-chip.ts): the person's identifiers and
 * printed facts from the chip, trusted as far as the chip's checks go.
 *
 * Identifiers: the 12-digit ID from DG13 field 1, else from the MRZ (a Vietnamese TD1 carries
 * it in its optional data); the old 9-digit ID from DG13 field 15. Name, birth date and sex
 * come from DG13 only: the MRZ spells names without Vietnamese diacritics, which staff would
 * compare against the card in vain.
 *
 * Authenticity: passive authentication's (chipAuthenticity). A chip that answers active
 * authentication wrongly may be a copy of a genuine chip's data onto another chip: its data is
 * then worth no more than the printed card (`unsigned`, staff compare card and face), however
 * well signed — otherwise a cloned chip would open the gate on its own.
 */
export function chipCredential(result: ChipReadResult): ChipCredential {
  const check = chipCheckOf(result);
  const passive = chipAuthenticity(result.passive.outcome);
  const authenticity = passive === 'chip-verified' && check.active === 'failed' ? 'unsigned' : passive;
  const problems: CredentialProblem[] = [];
  if (result.passive.outcome !== 'chip-verified') problems.push(problemOf(result.passive.reason));
  if (result.active !== undefined && result.active.outcome === 'chip-not-genuine') problems.push(problemOf(result.active.reason));
  return {
    kind: 'chip',
    authenticity: authenticity as ChipCredential['authenticity'],
    identifiers: identifiersOf(result),
    subject: subjectOf(result),
    problems,
    chip: check,
    ...(result.documentSigner === undefined ? {} : { documentSigner: documentSignerId(result.documentSigner) }),
  };
}

/** How the chip was opened and what its checks found, as Verdict.chip names it. */
export function chipCheckOf(result: ChipReadResult): ChipCheck {
  const active = result.active?.outcome;
  return {
    accessPath: result.access,
    passive: result.passive.outcome,
    // An algorithm this kiosk cannot check proves nothing either way: said as absent, not as failed.
    ...(active === 'chip-genuine' ? { active: 'passed' as const } : active === 'chip-not-genuine' ? { active: 'failed' as const } : {}),
  };
}

function identifiersOf(result: ChipReadResult): PersonIdentifiers {
  const fromDg13 = result.dg13?.id12;
  const id12 = fromDg13 !== undefined && ID12_PATTERN.test(fromDg13) ? fromDg13 : result.mrz.vietnameseId12;
  const oldId9 = result.dg13?.oldId9;
  return {
    ...(id12 === undefined ? {} : { id12 }),
    ...(oldId9 !== undefined && OLD_ID9_PATTERN.test(oldId9) ? { oldId9 } : {}),
  };
}

function subjectOf(result: ChipReadResult): SubjectDisplay {
  const dg13 = result.dg13;
  if (dg13 === undefined) return {};
  const name = dg13.fullName;
  const birthDate = dg13.birthDate === undefined ? undefined : isoBirthDate(dg13.birthDate);
  const sex = dg13.sex?.normalize('NFC');
  return {
    // DG13's texts are already cleaned of invisible characters (dg13-vietnam.ts); a name must still keep a letter.
    ...(name !== undefined && hasLetter(name) ? { name: name.normalize('NFC') } : {}),
    ...(birthDate === undefined ? {} : { birthDate }),
    ...(sex === 'Nam' || sex === 'Nữ' ? { sex } : {}),
  };
}

/**
 * DG13's birth date as printed, "dd/mm/yyyy", as YYYY-MM-DD; a card of a person whose birth
 * day is not known prints the year alone (kept as YYYY, as SubjectDisplay allows).
 */
export function isoBirthDate(printed: string): string | undefined {
  const text = printed.trim();
  const full = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (full !== null) return parseDdMmYyyy(`${full[1]}${full[2]}${full[3]}`) ?? undefined;
  const monthYear = /^(\d{2})\/(\d{4})$/.exec(text);
  if (monthYear !== null) {
    const month = Number(monthYear[1]);
    return month >= 1 && month <= 12 ? `${monthYear[2]}-${monthYear[1]}` : undefined;
  }
  return /^\d{4}$/.test(text) ? text : undefined;
}

function problemOf(reason: { readonly code: string; readonly vi: string; readonly en: string }): CredentialProblem {
  return { code: reason.code, message: { vi: reason.vi, en: reason.en } };
}
