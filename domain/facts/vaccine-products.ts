/**
 * COVID-19 vaccines by their canonical code (the EU DCC value set "vaccine medicinal
 * product"), with the common names the Vietnamese platforms export and the doses in a
 * full primary course. `passIndex` is this product's number in the status-pass format
 * (docs/status-pass.md): numbers are never reused or changed.
 */
export interface VaccineProduct {
  readonly code: string;
  readonly names: readonly string[];
  readonly dosesInFullCourse: number;
  readonly passIndex: number;
}

export const VACCINE_PRODUCTS: readonly VaccineProduct[] = [
  { code: 'EU/1/20/1528', names: ['Comirnaty', 'Pfizer', 'Pfizer-BioNTech', 'BioNTech'], dosesInFullCourse: 2, passIndex: 1 },
  { code: 'EU/1/20/1507', names: ['Spikevax', 'Moderna'], dosesInFullCourse: 2, passIndex: 2 },
  { code: 'EU/1/21/1529', names: ['Vaxzevria', 'AstraZeneca', 'AZ'], dosesInFullCourse: 2, passIndex: 3 },
  { code: 'EU/1/20/1525', names: ['Janssen', 'Jcovden', 'Johnson & Johnson', 'J&J'], dosesInFullCourse: 1, passIndex: 4 },
  { code: 'BBIBP-CorV', names: ['Sinopharm', 'Vero Cell', 'Verocell', 'BBIBP'], dosesInFullCourse: 2, passIndex: 5 },
  { code: 'Sputnik-V', names: ['Sputnik V', 'Gam-COVID-Vac'], dosesInFullCourse: 2, passIndex: 6 },
  { code: 'Abdala', names: ['Abdala', 'CIGB-66'], dosesInFullCourse: 3, passIndex: 7 },
  { code: 'Hayat-Vax', names: ['Hayat-Vax', 'Hayat Vax'], dosesInFullCourse: 2, passIndex: 8 },
  { code: 'CoronaVac', names: ['CoronaVac', 'Sinovac'], dosesInFullCourse: 2, passIndex: 9 },
  { code: 'Covishield', names: ['Covishield'], dosesInFullCourse: 2, passIndex: 10 },
  { code: 'Covaxin', names: ['Covaxin'], dosesInFullCourse: 2, passIndex: 11 },
  { code: 'EU/1/21/1618', names: ['Nuvaxovid', 'Novavax'], dosesInFullCourse: 2, passIndex: 12 },
  { code: 'Sputnik-Light', names: ['Sputnik Light'], dosesInFullCourse: 1, passIndex: 13 },
  { code: 'Convidecia', names: ['Convidecia', 'CanSino'], dosesInFullCourse: 1, passIndex: 14 },
];

const fold = (name: string): string =>
  name
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
const BY_NAME = new Map(VACCINE_PRODUCTS.flatMap((p) => [p.code, ...p.names].map((n) => [fold(n), p] as const)));
const BY_CODE = new Map(VACCINE_PRODUCTS.map((p) => [p.code, p]));
const BY_PASS_INDEX = new Map(VACCINE_PRODUCTS.map((p) => [p.passIndex, p]));

/** The product a code or common name denotes (case and spacing do not matter). */
export function findVaccineProduct(codeOrName: string): VaccineProduct | undefined {
  return BY_CODE.get(codeOrName) ?? BY_NAME.get(fold(codeOrName));
}

/** The product with exactly this canonical code; no name matching (a certificate's code is never guessed at). */
export function vaccineProductByCode(code: string): VaccineProduct | undefined {
  return BY_CODE.get(code);
}

export function vaccineProductByPassIndex(index: number): VaccineProduct | undefined {
  return BY_PASS_INDEX.get(index);
}
