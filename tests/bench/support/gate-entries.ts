import { toVietnamIso } from '../../../domain/time/calendar-date.js';
import type { EntryFields } from '../../../main/store/entry-log.js';

const CREDENTIALS = [
  { kind: 'cccd-qr', authenticity: 'unsigned', sourceKind: 'camera' },
  { kind: 'dcc', authenticity: 'verified', sourceKind: 'camera' },
  { kind: 'pass', authenticity: 'verified', sourceKind: 'wedge' },
  { kind: 'chip', authenticity: 'verified', sourceKind: 'chip' },
] as const;

/** A v2 entry as the scan pipeline logs it at a market gate: mostly green, some yellow and red. */
export function gateEntry(random: () => number, atMs: number): EntryFields {
  const credential = CREDENTIALS[Math.floor(random() * CREDENTIALS.length)] ?? CREDENTIALS[0];
  const roll = random();
  const outcome = roll < 0.85 ? 'green' : roll < 0.95 ? 'yellow' : 'red';
  return {
    at: toVietnamIso(atMs),
    kioskId: 'k-7f3a9c2e41d0',
    location: 'Chợ Đầm — cổng chính',
    lane: '2',
    direction: 'in',
    sourceKind: credential.sourceKind,
    sourceDeviceId: `${credential.sourceKind}-0`,
    credentialKind: credential.kind,
    authenticity: credential.authenticity,
    personId: String(1_000_000_000 + Math.floor(random() * 2_000_000) * 97).padStart(12, '0'),
    outcome,
    reasonCodes: outcome === 'green' ? ['vaccinated-full'] : outcome === 'yellow' ? ['vaccinated-partial'] : ['quarantine'],
    ruleSet: 'khanh-hoa-2021-10@3',
    // Staff let a few yellows through; their overrides are logged with the entry.
    override: outcome === 'yellow' && roll > 0.94 ? { by: 'staff-04', reason: 'mũi 2 đã hẹn ngày 25/10' } : null,
  };
}
