import { findVaccineProduct } from './vaccine-products.js';

/**
 * What the health platforms know about a person, as synced to the kiosk.
 * Facts, not colours, are stored: the colour is computed at scan time, so a 72-hour
 * test expires on time and new criteria apply without resyncing anybody.
 */
export interface VaccinationDose {
  /** 1 for the first dose, 2 for the second… */
  readonly dose: number;
  /** YYYY-MM-DD, the day in Vietnam the dose was given. */
  readonly date: string;
  /** Canonical product code (DCC value set medicinal product), e.g. `EU/1/20/1528`. */
  readonly product: string;
  /** Doses in the full course, when the source states it (a DCC's `sd`). */
  readonly totalDoses?: number;
}

export interface TestResult {
  /** ISO 8601 instant the sample was taken. */
  readonly takenAt: string;
  readonly kind: 'pcr' | 'rapid';
  readonly result: 'positive' | 'negative';
}

export interface QuarantineStatus {
  readonly status: 'F0' | 'F1';
  /** YYYY-MM-DD, inclusive. */
  readonly from: string;
  /** YYYY-MM-DD, inclusive; absent while open-ended. */
  readonly to?: string;
}

export interface PersonFacts {
  readonly doses: readonly VaccinationDose[];
  readonly tests: readonly TestResult[];
  /** YYYY-MM-DD of recovery from COVID-19, the latest one. */
  readonly recoveredOn?: string;
  readonly quarantine: readonly QuarantineStatus[];
}

export const NO_FACTS: PersonFacts = { doses: [], tests: [], quarantine: [] };

/** Doses in a full primary course: as the certificate states it, else by product (two when unknown). */
export function dosesInFullCourse(dose: VaccinationDose): number {
  return dose.totalDoses ?? findVaccineProduct(dose.product)?.dosesInFullCourse ?? 2;
}
