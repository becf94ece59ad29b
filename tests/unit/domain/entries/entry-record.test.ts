import { describe, expect, it } from 'vitest';
import { canonicalEntry, canonicalEntryV1, canonicalStoredEntry, type EntryRecord, type EntryRecordV1 } from '../../../../domain/entries/entry-record.js';

const v1: EntryRecordV1 = {
  seq: 5,
  at: '2021-10-15T08:00:00.000+07:00',
  sourceKind: 'wedge',
  sourceDeviceId: 'keyboard',
  credentialKind: 'cccd-qr',
  authenticity: 'unsigned',
  personId: null,
  outcome: 'none',
  reasonCodes: ['vaccinated-full'],
  ruleSet: 'khanh-hoa-2021-10@1.0.0',
};

const v2: EntryRecord = {
  ...v1,
  kioskId: 'k-0123456789abcdef',
  location: 'Cổng Bắc, Chợ Đầm',
  lane: '2',
  direction: 'boarding',
  override: { by: 'staff-7', reason: 'thẻ mờ' },
};

describe('canonical entry forms', () => {
  it('version 1 is the untagged array kiosks hashed before migration 5, byte for byte', () => {
    expect(canonicalEntryV1(v1)).toBe(
      '[5,"2021-10-15T08:00:00.000+07:00","wedge","keyboard","cccd-qr","unsigned",null,"none",["vaccinated-full"],"khanh-hoa-2021-10@1.0.0"]',
    );
  });

  it('version 2 is tagged and adds kiosk, location, lane, direction and override in a fixed order', () => {
    expect(canonicalEntry(v2)).toBe(
      '["chot-entry-2",5,"2021-10-15T08:00:00.000+07:00","k-0123456789abcdef","Cổng Bắc, Chợ Đầm","2","boarding","wedge","keyboard",' +
        '"cccd-qr","unsigned",null,"none",["vaccinated-full"],"khanh-hoa-2021-10@1.0.0",["staff-7","thẻ mờ"]]',
    );
    expect(canonicalEntry({ ...v2, override: null })).toMatch(/,null\]$/);
  });

  it('does not depend on the order an object’s fields were written in', () => {
    const shuffled = Object.fromEntries(Object.entries(v2).reverse()) as unknown as EntryRecord;
    expect(canonicalEntry(shuffled)).toBe(canonicalEntry(v2));
  });

  it('a stored entry is put in the form of its format', () => {
    expect(canonicalStoredEntry({ format: 1, ...v1 })).toBe(canonicalEntryV1(v1));
    expect(canonicalStoredEntry({ format: 2, ...v2 })).toBe(canonicalEntry(v2));
  });
});
