import type { KindGroup, LetInOutcome, ReportOutcome } from './report-model.js';

/** Vietnamese first, English beside: the report goes to Vietnamese officials and foreign partners alike. */
export interface BilingualLabel {
  readonly vi: string;
  readonly en: string;
}

export const both = (label: BilingualLabel): string => `${label.vi} / ${label.en}`;

export const OUTCOME_LABELS: Readonly<Record<ReportOutcome, BilingualLabel>> = {
  green: { vi: 'Xanh', en: 'Green' },
  yellow: { vi: 'Vàng', en: 'Yellow' },
  red: { vi: 'Đỏ', en: 'Red' },
  none: { vi: 'Không có kết quả', en: 'No result' },
};

export const KIND_LABELS: Readonly<Record<KindGroup, BilingualLabel>> = {
  dcc: { vi: 'Chứng nhận COVID số EU (DCC)', en: 'EU digital COVID certificate' },
  'status-pass': { vi: 'Thẻ Chốt', en: 'Chốt pass' },
  'id-card': { vi: 'Căn cước công dân (mã QR, chưa xác thực)', en: 'ID card (QR, not verified)' },
  'chip-verified': { vi: 'Căn cước gắn chip, đã xác thực chip', en: 'ID card, chip verified' },
  'health-insurance': { vi: 'Thẻ BHYT', en: 'Health-insurance card' },
  typed: { vi: 'Nhập tay', en: 'Typed' },
  unreadable: { vi: 'Mã không đọc được hoặc không hợp lệ', en: 'Unreadable or invalid code' },
  other: { vi: 'Khác', en: 'Other' },
};

export const LET_IN_LABELS: Readonly<Record<LetInOutcome, BilingualLabel>> = {
  red: { vi: 'Đỏ được cho vào', en: 'Reds let in' },
  yellow: { vi: 'Vàng được cho vào', en: 'Yellows let in' },
  none: { vi: 'Không kết quả được cho vào', en: 'No-result let in' },
};

export const LABELS = {
  title: { vi: 'Báo cáo quét tại điểm kiểm soát', en: 'Checkpoint scan report' },
  period: { vi: 'Kỳ báo cáo', en: 'Period' },
  vnTime: { vi: 'giờ Việt Nam, UTC+07:00', en: 'Vietnam time, UTC+07:00' },
  generated: { vi: 'Lập lúc', en: 'Generated' },
  summary: { vi: 'Tổng hợp', en: 'Summary' },
  registered: { vi: 'Điểm quét đã đăng ký', en: 'Scan points registered' },
  active: { vi: 'Điểm quét có hoạt động', en: 'Scan points active' },
  scans: { vi: 'Lượt quét', en: 'Scans made' },
  flagged: { vi: 'Lượt bị gắn cờ', en: 'Flagged scans' },
  byOutcome: { vi: 'Theo màu', en: 'By colour' },
  byKind: { vi: 'Theo loại giấy tờ', en: 'By credential' },
  byDay: { vi: 'Theo ngày', en: 'By day' },
  byWeek: { vi: 'Theo tuần', en: 'By week' },
  byLocation: { vi: 'Theo địa điểm', en: 'By location' },
  location: { vi: 'Địa điểm', en: 'Location' },
  noLocation: { vi: '(chưa gắn địa điểm)', en: '(no location)' },
  idle: { vi: 'Điểm quét không có lượt quét trong 7 ngày', en: 'Scan points without a scan in 7 days' },
  idleNone: { vi: 'Không có', en: 'None' },
  device: { vi: 'Thiết bị', en: 'Device' },
  enrolled: { vi: 'Đăng ký lúc', en: 'Enrolled' },
  total: { vi: 'Tổng', en: 'Total' },
  people: { vi: 'Số người (không trùng)', en: 'Distinct people' },
  confirmed: { vi: 'Nhân viên xác nhận', en: 'Staff confirms' },
  staffDecisions: { vi: 'Quyết định của nhân viên', en: 'Staff decisions' },
  staff: { vi: 'Nhân viên', en: 'Staff member' },
  staffNone: { vi: 'Không có quyết định nào của nhân viên', en: 'No staff decisions' },
  staffNote: {
    vi: 'Mỗi lần nhân viên cho vào hoặc xác nhận là một bản ghi riêng về một lượt quét đã tính; không tính thêm lượt quét hay màu xanh.',
    en: 'Each override or confirm is an entry about a scan already counted: never a second scan or a second green.',
  },
  byHour: { vi: 'Theo giờ trong ngày', en: 'By hour of day' },
  hour: { vi: 'Giờ', en: 'Hour' },
  flaggedNote: {
    vi: 'Lượt bị gắn cờ vẫn được tính là lượt quét; cần kiểm tra vì bản ghi đã bị sửa hoặc chuỗi bị đứt.',
    en: 'Flagged scans still count as scans; check them: the entry was edited or its chain broken.',
  },
} as const satisfies Record<string, BilingualLabel>;

/** A location as printed: the unenrolled kiosk's '' gets a name. */
export const locationName = (location: string): string => (location === '' ? both(LABELS.noLocation) : location);
