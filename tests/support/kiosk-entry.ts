import type { EntryFields } from '../../main/store/entry-log.js';

/**
 * An entry as the scan pipeline logs a CCCD QR typed in by the keyboard wedge at a market
 * gate (green, unsigned), for tests of the kiosk's entry log; `fields` changes what a test is about.
 */
export function kioskEntry(personId: string | null, fields: Partial<EntryFields> = {}): EntryFields {
  return {
    at: '2021-10-15T08:00:01.000+07:00',
    kioskId: 'k-0123456789abcdef',
    location: 'Chợ Đầm',
    lane: '1',
    direction: 'in',
    sourceKind: 'wedge',
    sourceDeviceId: 'keyboard',
    credentialKind: 'cccd-qr',
    authenticity: 'unsigned',
    personId,
    outcome: 'green',
    reasonCodes: ['vaccinated-full'],
    ruleSet: 'khanh-hoa-2021-10@1.0.0',
    override: null,
    ...fields,
  };
}
