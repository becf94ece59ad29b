import type { Bilingual } from '../text/bilingual.js';

/**
 * The hub-signed trust files a kiosk holds (docs/trust-files.md), for the operator screen
 * (F2): staff and support read there which versions a gate decides with. Part of the
 * contract (`KioskStatus.trustFiles`).
 */
export interface TrustFileHeld {
  /** The trust file's kind (`csca`, `staff`, `dcc-dsc`, `dcc-schemas`, `dcc-value-sets`). */
  readonly kind: string;
  /** The version the hub published, installed by the sync. */
  readonly version: number;
  /** When the hub issued it (ISO 8601). */
  readonly issuedAt: string;
}

const NAMES: Readonly<Record<string, Bilingual>> = {
  csca: { vi: 'CSCA (thẻ căn cước gắn chip)', en: 'CSCA list (chip ID cards)' },
  staff: { vi: 'Danh sách nhân viên', en: 'Staff list' },
  'dcc-dsc': { vi: 'Danh sách ký chứng nhận EU (DSC)', en: 'DCC trust list (DSC)' },
  'dcc-schemas': { vi: 'Lược đồ chứng nhận EU', en: 'DCC schemas' },
  'dcc-value-sets': { vi: 'Bộ mã chứng nhận EU', en: 'DCC value sets' },
};

/** What the operator screen says for one file: its name in both languages and its version and issue date. */
export function describeTrustFileHeld(held: TrustFileHeld): { readonly name: Bilingual; readonly version: string } {
  return { name: NAMES[held.kind] ?? { vi: held.kind, en: held.kind }, version: `v${held.version} · ${held.issuedAt.slice(0, 10)}` };
}

/** The line shown when the kiosk holds none. */
export const NO_TRUST_FILES: Bilingual = { vi: 'Chưa nhận tệp tin cậy nào từ máy chủ', en: 'No trust file from the hub yet' };
