/**
 * The EU DCC value sets the colour depends on: which disease a certificate is about
 * (`tg`), which vaccine (`mp`) of which type (`vp`), which test (`tt`) and its result (`tr`).
 *
 * Source: the eHealth Network's value sets as published in
 * github.com/ehn-dcc-development/eu-dcc-valuesets, release 2.12.0 (2023-05-23, value-set
 * guidelines version 1.15; the repository was frozen in July 2023 when the DCC passed to
 * the WHO), Apache-2.0. Each set below names its file, `valueSetId` and `valueSetDate`.
 * Only the codes and English display names are kept: nothing else is read.
 *
 * Codes the EU later deprecated (`active: false`) stay members: a certificate issued while
 * they were current is still a statement in the value set. A code outside a set is not
 * guessed at — the entry that carries it does not count (see dcc-facts.ts).
 */
export interface ValueSetEntry {
  readonly display: string;
  /** false: deprecated by the EU, no longer used for new certificates. */
  readonly active?: false;
}

export interface ValueSet {
  readonly id: string;
  /** The `valueSetDate` of the file the codes were taken from. */
  readonly date: string;
  readonly values: Readonly<Record<string, ValueSetEntry>>;
}

/** disease-agent-targeted.json: the only disease a DCC is about. */
export const DISEASE_AGENT_TARGETED: ValueSet = {
  id: 'disease-agent-targeted',
  date: '2021-04-27',
  values: { '840539006': { display: 'COVID-19' } },
};

/** SNOMED CT code of COVID-19, the `tg` of every entry that counts. */
export const COVID_19 = '840539006';

/** vaccine-prophylaxis.json (`vp`). */
export const VACCINE_PROPHYLAXIS: ValueSet = {
  id: 'sct-vaccines-covid-19',
  date: '2023-01-25',
  values: {
    '1119305005': { display: 'SARS-CoV-2 antigen vaccine' },
    '1119349007': { display: 'SARS-CoV-2 mRNA vaccine' },
    J07BX03: { display: 'covid-19 vaccines (deprecated)', active: false },
    '1162643001': { display: 'SARS-CoV-2 recombinant spike protein antigen vaccine' },
    '1157024006': { display: 'Inactivated whole SARS-CoV-2 antigen vaccine' },
    '29061000087103': { display: 'COVID-19 non-replicating viral vector vaccine' },
    '28531000087107': { display: 'COVID-19 vaccine' },
    '30141000087107': { display: 'SARS-CoV-2 virus-like particle antigen vaccine' },
    '1187593009': { display: 'SARS-CoV-2 DNA plasmid encoding spike protein vaccine' },
  },
};

/** vaccine-medicinal-product.json (`mp`). */
export const VACCINE_MEDICINAL_PRODUCT: ValueSet = {
  id: 'vaccines-covid-19-names',
  date: '2022-11-30',
  values: {
    'EU/1/20/1528': { display: 'Comirnaty' },
    'EU/1/20/1507': { display: 'Spikevax' },
    'EU/1/21/1529': { display: 'Vaxzevria' },
    'EU/1/20/1525': { display: 'Jcovden' },
    CVnCoV: { display: 'CVnCoV' },
    'NVX-CoV2373': { display: 'NVX-CoV2373 (deprecated)', active: false },
    'Sputnik-V': { display: 'Sputnik-V' },
    Convidecia: { display: 'Convidecia' },
    EpiVacCorona: { display: 'EpiVacCorona' },
    'BBIBP-CorV': { display: 'BBIBP-CorV' },
    'Inactivated-SARS-CoV-2-Vero-Cell': { display: 'Inactivated SARS-CoV-2 (Vero Cell) (deprecated)', active: false },
    CoronaVac: { display: 'CoronaVac' },
    Covaxin: { display: 'Covaxin' },
    Covishield: { display: 'Covishield' },
    'Covid-19-recombinant': { display: 'Covid-19 (recombinant)' },
    'R-COVI': { display: 'R-COVI' },
    CoviVac: { display: 'CoviVac' },
    'Sputnik-Light': { display: 'Sputnik Light' },
    'Hayat-Vax': { display: 'Hayat-Vax' },
    Abdala: { display: 'Abdala' },
    'WIBP-CorV': { display: 'WIBP-CorV' },
    'MVC-COV1901': { display: 'MVC COVID-19 vaccine' },
    'EU/1/21/1618': { display: 'Nuvaxovid' },
    Covovax: { display: 'Covovax' },
    Vidprevtyn: { display: 'Vidprevtyn (deprecated)', active: false },
    VLA2001: { display: 'VLA2001 (deprecated)', active: false },
    'EpiVacCorona-N': { display: 'EpiVacCorona-N' },
    'Sputnik-M': { display: 'Sputnik M' },
    'Covid-19-adsorvida-inativada': { display: 'Vacina adsorvida covid-19 (inativada)' },
    'NVSI-06-08': { display: 'NVSI-06-08' },
    'YS-SC2-010': { display: 'YS-SC2-010' },
    SCTV01C: { display: 'SCTV01C' },
    Covifenz: { display: 'Covifenz' },
    AZD2816: { display: 'AZD2816' },
    'Soberana-02': { display: 'Soberana 02' },
    'Soberana-Plus': { display: 'Soberana Plus' },
    'EU/1/21/1624': { display: 'COVID-19 Vaccine Valneva' },
    'EU/1/21/1580': { display: 'VidPrevtyn Beta' },
    'EU/1/22/1709': { display: 'Bimervax' },
  },
};

/**
 * Deprecated product codes the EU replaced by a new code for the same vaccine (the value
 * sets' CHANGELOG, guidelines 1.7, 1.11 and 1.13). Only renames are listed: the deprecated
 * `Inactivated-SARS-CoV-2-Vero-Cell` named no one manufacturer's product and is not mapped.
 */
export const RENAMED_PRODUCT_CODES: Readonly<Record<string, string>> = {
  'NVX-CoV2373': 'EU/1/21/1618',
  VLA2001: 'EU/1/21/1624',
  Vidprevtyn: 'EU/1/21/1580',
};

/** test-type.json (`tt`, LOINC), with the kind of test the facts record. */
export const TEST_TYPE: ValueSet & { readonly kinds: Readonly<Record<string, 'pcr' | 'rapid'>> } = {
  id: 'covid-19-lab-test-type',
  date: '2021-04-27',
  values: {
    'LP6464-4': { display: 'Nucleic acid amplification with probe detection' },
    'LP217198-3': { display: 'Rapid immunoassay' },
  },
  kinds: { 'LP6464-4': 'pcr', 'LP217198-3': 'rapid' },
};

/** test-result.json (`tr`, SNOMED CT), with the result the facts record. */
export const TEST_RESULT: ValueSet & { readonly results: Readonly<Record<string, 'positive' | 'negative'>> } = {
  id: 'covid-19-lab-result',
  date: '2021-04-27',
  values: {
    '260415000': { display: 'Not detected' },
    '260373001': { display: 'Detected' },
  },
  results: { '260415000': 'negative', '260373001': 'positive' },
};

/**
 * Value sets by id that replace the built-in set of the same id: the hub's signed
 * `dcc-value-sets` trust file (docs/trust-files.md), so a code the EU adds reaches the kiosks
 * without a new Chốt. A set of an id not built in changes nothing.
 */
export type ValueSetOverrides = ReadonlyMap<string, ValueSet>;

/** The set in force for `builtIn`'s id: the hub's when it sent one, else the built-in. */
export const valueSetInForce = <S extends ValueSet>(builtIn: S, overrides: ValueSetOverrides | undefined): ValueSet => overrides?.get(builtIn.id) ?? builtIn;

/** Whether `code` is a member of `set` (own keys only: `constructor` is no vaccine). */
export function inValueSet(set: ValueSet, code: unknown): code is string {
  return typeof code === 'string' && Object.hasOwn(set.values, code);
}
