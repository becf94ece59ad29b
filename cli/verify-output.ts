import type { Authenticity, Credential, ParseError } from '../domain/credentials/credential.js';
import type { Reason } from '../domain/text/bilingual.js';
import type { Assessment } from '../domain/verdict/assess-credential.js';

/**
 * One line of `chot verify` output. A public interface (docs/verify-json.md): fields are
 * only ever added, never renamed or removed.
 */
export interface VerifyLine {
  readonly kind: 'cccd-qr' | 'bhyt-qr' | 'dcc' | 'pass' | 'manual' | 'chip' | 'unknown';
  readonly ok: boolean;
  readonly error?: { readonly code: string; readonly message: string; readonly en: string };
  readonly authenticity: Authenticity;
  readonly subject?: {
    readonly id?: string;
    readonly oldId?: string;
    readonly name?: string;
    readonly birthDate?: string;
    readonly sex?: string;
    readonly bhytNumber?: string;
    readonly bhxh?: string;
  };
  readonly color?: 'green' | 'yellow' | 'red' | 'none';
  readonly reasons: readonly Reason[];
  readonly factsFrom?: Assessment['factsFrom'];
  /** The rule set that decided the colour. */
  readonly ruleSet?: { readonly id: string; readonly version: string };
  readonly dcc?: unknown;
}

export function verifyLineForError(error: ParseError, assessment: Assessment): VerifyLine {
  return {
    kind: error.credentialKind ?? 'unknown',
    ok: false,
    error: { code: error.code, message: error.message.vi, en: error.message.en },
    authenticity: 'invalid',
    color: 'none',
    reasons: assessment.reasons,
    // Promised on every line (docs/verify-json.md): nothing was read, so no facts decided.
    factsFrom: assessment.factsFrom,
    ...(error.dcc === undefined ? {} : { dcc: error.dcc }),
  };
}

export function verifyLineForCredential(credential: Credential, assessment: Assessment): VerifyLine {
  const { identifiers: ids, subject } = credential;
  const firstProblem = credential.problems[0];
  return {
    kind: credential.kind,
    ok: credential.authenticity !== 'invalid' && credential.problems.length === 0,
    ...(firstProblem === undefined ? {} : { error: { code: firstProblem.code, message: firstProblem.message.vi, en: firstProblem.message.en } }),
    authenticity: credential.authenticity,
    subject: {
      ...(ids.id12 === undefined ? {} : { id: ids.id12 }),
      ...(ids.oldId9 === undefined ? {} : { oldId: ids.oldId9 }),
      ...(subject.name === undefined ? {} : { name: subject.name }),
      ...(subject.birthDate === undefined ? {} : { birthDate: subject.birthDate }),
      ...(subject.sex === undefined ? {} : { sex: subject.sex }),
      ...(ids.bhytNumber === undefined ? {} : { bhytNumber: ids.bhytNumber }),
      ...(ids.bhxh === undefined ? {} : { bhxh: ids.bhxh }),
    },
    color: assessment.outcome,
    reasons: assessment.reasons,
    factsFrom: assessment.factsFrom,
    ...(assessment.ruleSet === undefined ? {} : { ruleSet: assessment.ruleSet }),
    ...(credential.kind === 'dcc' ? { dcc: credential.dcc } : {}),
  };
}
