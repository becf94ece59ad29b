import { describe, expect, it } from 'vitest';
import {
  canonicalEntry,
  canonicalEntryV1,
  canonicalEntryV2,
  canonicalEntryV3,
  canonicalStoredEntry,
  CURRENT_ENTRY_FORMAT,
  storedDocumentSigner,
  storedEnteredBy,
  type EntryRecord,
  type EntryRecordV1,
  type EntryRecordV2,
  type EntryRecordV3,
} from '../../../../domain/entries/entry-record.js';

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

const v2: EntryRecordV2 = {
  ...v1,
  kioskId: 'k-0123456789abcdef',
  location: 'Cổng Bắc, Chợ Đầm',
  lane: '2',
  direction: 'boarding',
  override: { by: 'staff-7', reason: 'thẻ mờ' },
};

const v3: EntryRecordV3 = {
  ...v2,
  sourceKind: 'chip',
  sourceDeviceId: 'ACS ACR39U 00 00',
  credentialKind: 'chip',
  authenticity: 'chip-verified',
  override: null,
  documentSigner: 'C=VN, O=Bộ Công an, CN=DS 07#0a1b2c',
};

/** An ID typed on the staff keypad: the entry names who typed it. */
const v4: EntryRecord = {
  ...v2,
  sourceKind: 'manual',
  sourceDeviceId: 'staff-keypad',
  credentialKind: 'manual',
  authenticity: 'manual',
  personId: '056089001234',
  override: null,
  documentSigner: null,
  enteredBy: 'Nguyễn Thị Lan',
};

describe('canonical entry forms', () => {
  it('version 1 is the untagged array kiosks hashed before migration 5, byte for byte', () => {
    expect(canonicalEntryV1(v1)).toBe(
      '[5,"2021-10-15T08:00:00.000+07:00","wedge","keyboard","cccd-qr","unsigned",null,"none",["vaccinated-full"],"khanh-hoa-2021-10@1.0.0"]',
    );
  });

  it('version 2 is tagged and adds kiosk, location, lane, direction and override in a fixed order, byte for byte as kiosks hashed it before migration 7', () => {
    expect(canonicalEntryV2(v2)).toBe(
      '["chot-entry-2",5,"2021-10-15T08:00:00.000+07:00","k-0123456789abcdef","Cổng Bắc, Chợ Đầm","2","boarding","wedge","keyboard",' +
        '"cccd-qr","unsigned",null,"none",["vaccinated-full"],"khanh-hoa-2021-10@1.0.0",["staff-7","thẻ mờ"]]',
    );
    expect(canonicalEntryV2({ ...v2, override: null })).toMatch(/,null\]$/);
    // A version-2 record that happens to carry a document signer still hashes without it.
    expect(canonicalEntryV2({ ...v2, documentSigner: 'X#01' } as EntryRecordV2)).toBe(canonicalEntryV2(v2));
  });

  it('version 3 is tagged chot-entry-3: version 2 field by field, then the document signer, byte for byte as kiosks hashed it before migration 8', () => {
    expect(canonicalEntryV3(v3)).toBe(
      '["chot-entry-3",5,"2021-10-15T08:00:00.000+07:00","k-0123456789abcdef","Cổng Bắc, Chợ Đầm","2","boarding","chip","ACS ACR39U 00 00",' +
        '"chip","chip-verified",null,"none",["vaccinated-full"],"khanh-hoa-2021-10@1.0.0",null,"C=VN, O=Bộ Công an, CN=DS 07#0a1b2c"]',
    );
    const parsed = JSON.parse(canonicalEntryV3({ ...v3, override: { by: 'staff-7', reason: 'thẻ mờ' } })) as unknown[];
    expect(parsed).toHaveLength(17);
    expect(parsed.slice(15)).toEqual([['staff-7', 'thẻ mờ'], 'C=VN, O=Bộ Công an, CN=DS 07#0a1b2c']);
    expect(canonicalEntryV3({ ...v2, documentSigner: null })).toBe(
      '["chot-entry-3",5,"2021-10-15T08:00:00.000+07:00","k-0123456789abcdef","Cổng Bắc, Chợ Đầm","2","boarding","wedge","keyboard",' +
        '"cccd-qr","unsigned",null,"none",["vaccinated-full"],"khanh-hoa-2021-10@1.0.0",["staff-7","thẻ mờ"],null]',
    );
    // A version-3 record that happens to carry who typed it still hashes without it.
    expect(canonicalEntryV3({ ...v3, enteredBy: 'Lan' } as EntryRecordV3)).toBe(canonicalEntryV3(v3));
  });

  it('version 4 is tagged chot-entry-4: version 3 field by field, then who typed the ID', () => {
    expect(CURRENT_ENTRY_FORMAT).toBe(4);
    expect(canonicalEntry(v4)).toBe(
      '["chot-entry-4",5,"2021-10-15T08:00:00.000+07:00","k-0123456789abcdef","Cổng Bắc, Chợ Đầm","2","boarding","manual","staff-keypad",' +
        '"manual","manual","056089001234","none",["vaccinated-full"],"khanh-hoa-2021-10@1.0.0",null,null,"Nguyễn Thị Lan"]',
    );
    expect(canonicalEntry({ ...v3, enteredBy: null })).toBe(
      '["chot-entry-4",5,"2021-10-15T08:00:00.000+07:00","k-0123456789abcdef","Cổng Bắc, Chợ Đầm","2","boarding","chip","ACS ACR39U 00 00",' +
        '"chip","chip-verified",null,"none",["vaccinated-full"],"khanh-hoa-2021-10@1.0.0",null,"C=VN, O=Bộ Công an, CN=DS 07#0a1b2c",null]',
    );
    // Who typed it is covered by the hash: another name is another entry.
    expect(canonicalEntry({ ...v4, enteredBy: 'Trần Văn Minh' })).not.toBe(canonicalEntry(v4));
  });

  it('does not depend on the order an object’s fields were written in', () => {
    const shuffled = Object.fromEntries(Object.entries(v4).reverse()) as unknown as EntryRecord;
    expect(canonicalEntry(shuffled)).toBe(canonicalEntry(v4));
    const shuffledV2 = Object.fromEntries(Object.entries(v2).reverse()) as unknown as EntryRecordV2;
    expect(canonicalEntryV2(shuffledV2)).toBe(canonicalEntryV2(v2));
  });

  it('a stored entry is put in the form of its format', () => {
    expect(canonicalStoredEntry({ format: 1, ...v1 })).toBe(canonicalEntryV1(v1));
    expect(canonicalStoredEntry({ format: 2, ...v2 })).toBe(canonicalEntryV2(v2));
    expect(canonicalStoredEntry({ format: 3, ...v3 })).toBe(canonicalEntryV3(v3));
    expect(canonicalStoredEntry({ format: 4, ...v4 })).toBe(canonicalEntry(v4));
    expect(storedDocumentSigner({ format: 3, ...v3 })).toBe('C=VN, O=Bộ Công an, CN=DS 07#0a1b2c');
    expect(storedDocumentSigner({ format: 4, ...v3, enteredBy: null })).toBe('C=VN, O=Bộ Công an, CN=DS 07#0a1b2c');
    expect(storedEnteredBy({ format: 4, ...v4 })).toBe('Nguyễn Thị Lan');
    expect(storedEnteredBy({ format: 3, ...v3 })).toBeNull();
    expect(storedDocumentSigner({ format: 2, ...v2 })).toBeNull();
    expect(storedDocumentSigner({ format: 1, ...v1 })).toBeNull();
  });
});
