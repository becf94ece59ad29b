import type { PersonFacts } from '../facts/person-facts.js';

/**
 * One person as the hub syncs them to kiosks: identifiers and facts, never names or
 * addresses. The unit of snapshots and deltas.
 */
export interface SyncedPerson {
  /** 12-digit citizen ID. */
  readonly id12: string;
  /** Old 9-digit ID card number. */
  readonly oldId?: string;
  /** 10-digit social-insurance number. */
  readonly bhxh?: string;
  readonly facts: PersonFacts;
}

/**
 * The hub's change feed: every change to a person gets the next value of one monotonic
 * sequence number, and the person's row remembers the sequence of its last change. So a
 * delta "since S" is simply every person whose last change is after S, in their latest
 * state (compacted by construction), and a kiosk's watermark is the highest sequence it has
 * applied.
 */
export interface ChangedPerson extends SyncedPerson {
  readonly seq: number;
}
