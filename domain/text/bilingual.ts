/** Text shown to people: Vietnamese first, English beside it. */
export interface Bilingual {
  readonly vi: string;
  readonly en: string;
}

/** A reason behind a verdict or an error: a stable code plus its text in both languages. */
export interface Reason extends Bilingual {
  readonly code: string;
}
