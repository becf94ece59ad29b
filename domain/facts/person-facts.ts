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

/**
 * A certificate of recovery (a DCC's `r` entry), as the issuer stated it. Unlike a
 * recovery date from the health platforms it says when the person first tested positive
 * and the window in which the issuer vouches for it; the rules decide what that is worth.
 */
export interface RecoveryCertificate {
  /** YYYY-MM-DD of the first positive test (`fr`). */
  readonly positiveOn: string;
  /** YYYY-MM-DD, the first day the certificate is valid (`df`). */
  readonly validFrom: string;
  /** YYYY-MM-DD, the last day the certificate is valid (`du`), inclusive. */
  readonly validUntil: string;
}

/**
 * Why an entry of a certificate does not count: it is about another disease, or a code
 * in it is outside the EU value set or names a vaccine Chốt does not recognise, or a
 * field the rules need is missing or not a real date.
 */
/**
 * Why a certificate's entry did not count. `not-first-entry`: a certificate with several
 * entries of its type (schemas before 1.3.0 allow it) counts its first, as the EU business
 * rules read it (`payload.v.0`).
 */
export type UncountedReason = 'disease' | 'vaccine-product' | 'vaccine-type' | 'test-type' | 'test-result' | 'incomplete' | 'not-first-entry';

export interface UncountedEntry {
  readonly kind: 'vaccination' | 'test' | 'recovery';
  readonly why: UncountedReason;
}

export interface PersonFacts {
  readonly doses: readonly VaccinationDose[];
  readonly tests: readonly TestResult[];
  /** YYYY-MM-DD of recovery from COVID-19, the latest one (from the health platforms). */
  readonly recoveredOn?: string;
  readonly quarantine: readonly QuarantineStatus[];
  /** Only from a certificate the person presents (a DCC); the hub never sets it. */
  readonly recoveryCertificate?: RecoveryCertificate;
  /** A certificate's entries left out of the facts above, so the verdict can say why. Never from the hub. */
  readonly notCounted?: readonly UncountedEntry[];
}

export const NO_FACTS: PersonFacts = { doses: [], tests: [], quarantine: [] };

/** Doses in a full primary course: as the certificate states it, else by product (two when unknown). */
export function dosesInFullCourse(dose: VaccinationDose): number {
  return dose.totalDoses ?? findVaccineProduct(dose.product)?.dosesInFullCourse ?? 2;
}
