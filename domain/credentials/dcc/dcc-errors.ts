import type { CredentialProblem, ParseError } from '../credential.js';
import { errorFrom } from '../parse-errors.js';
import type { Bilingual } from '../../text/bilingual.js';
import type { DccDiagnostics } from './dcc-diagnostics.js';

/** Why a DCC could not be read at all (a ParseError). */
export const DCC_ERRORS = {
  'dcc.too-long': { vi: 'Mã chứng nhận quá dài, không phải mã QR hợp lệ', en: 'The certificate code is too long to be a QR code' },
  'dcc.prefix-missing': { vi: 'Mã chứng nhận thiếu tiền tố HC1:', en: 'The certificate code lacks the HC1: prefix' },
  'dcc.prefix-unsupported': { vi: 'Loại chứng nhận này không được hỗ trợ (chỉ HC1:)', en: 'This certificate context is not supported (HC1: only)' },
  'dcc.base45': { vi: 'Mã chứng nhận bị lỗi (ký tự hoặc độ dài không hợp lệ)', en: 'The certificate code is damaged (invalid characters or length)' },
  'dcc.inflate': { vi: 'Dữ liệu nén của chứng nhận bị hỏng', en: 'The compressed certificate data is corrupt' },
  'dcc.too-large': { vi: 'Dữ liệu chứng nhận quá lớn sau khi giải nén', en: 'The certificate data is too large once decompressed' },
  'dcc.cose': { vi: 'Không đọc được chữ ký của chứng nhận (COSE)', en: 'The certificate signature envelope (COSE) cannot be read' },
  'dcc.cbor': { vi: 'Nội dung chứng nhận không đọc được (CWT)', en: 'The certificate content (CWT) cannot be read' },
  'dcc.hcert': { vi: 'Chứng nhận không chứa thông tin y tế hợp lệ', en: 'The certificate carries no valid health certificate' },
  'dcc.internal': { vi: 'Lỗi nội bộ khi đọc chứng nhận, xin báo kỹ thuật', en: 'Internal error while reading the certificate; please report it' },
} as const satisfies Record<string, Bilingual>;

/** What is wrong with a DCC that could be read (a CredentialProblem; authenticity becomes invalid). */
export const DCC_PROBLEMS = {
  'dcc.signature-invalid': { vi: 'Chữ ký số của chứng nhận không hợp lệ', en: 'The certificate signature is invalid' },
  'dcc.unknown-key': { vi: 'Không tìm thấy khóa của nơi cấp chứng nhận trong danh sách tin cậy', en: 'The issuer key is not in the trust list' },
  'dcc.no-trust-list': { vi: 'Chưa có danh sách tin cậy để kiểm tra chữ ký', en: 'No trust list is available to check the signature' },
  'dcc.algorithm': { vi: 'Thuật toán chữ ký của chứng nhận không được hỗ trợ', en: 'The certificate signature algorithm is not supported' },
  'dcc.expired': { vi: 'Chứng nhận đã hết hạn', en: 'The certificate has expired' },
  'dcc.not-yet-valid': { vi: 'Chứng nhận chưa có hiệu lực (ngày cấp ở tương lai)', en: 'The certificate is not valid yet (issued in the future)' },
  'dcc.outside-signer-validity': {
    vi: 'Thời hạn chứng nhận vượt ngoài thời hạn của khóa ký',
    en: 'The certificate validity lies outside its signing key validity',
  },
  'dcc.no-validity': { vi: 'Chứng nhận không ghi ngày cấp hoặc ngày hết hạn', en: 'The certificate states no issue or expiry time' },
  'dcc.key-usage': { vi: 'Khóa ký không được phép cấp loại chứng nhận này', en: 'The signing key may not sign this kind of certificate' },
  'dcc.schema-invalid': { vi: 'Nội dung chứng nhận không đúng cấu trúc quy định', en: 'The certificate content does not follow the DCC schema' },
  'dcc.not-one-certificate': {
    vi: 'Chứng nhận phải có đúng một mục tiêm chủng, xét nghiệm hoặc khỏi bệnh',
    en: 'The certificate must hold exactly one vaccination, test or recovery entry',
  },
} as const satisfies Record<string, Bilingual>;

export type DccErrorCode = keyof typeof DCC_ERRORS;
export type DccProblemCode = keyof typeof DCC_PROBLEMS;

export function dccError(code: DccErrorCode, dcc: DccDiagnostics): ParseError {
  return errorFrom(DCC_ERRORS, code, { credentialKind: 'dcc', dcc });
}

export function dccProblem(code: DccProblemCode): CredentialProblem {
  return { code, message: DCC_PROBLEMS[code] };
}
