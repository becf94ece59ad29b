import type { AccessPath } from '../../domain/chip/chip-access.js';
import type { VietnameseDg13 } from '../../domain/chip/lds/dg13-vietnam.js';
import type { ChipReadResult } from '../../domain/chip/read-chip.js';
import { terminalJson, terminalText } from '../../domain/text/terminal-text.js';

/**
 * What `chot chip read` prints: for a person (labels Vietnamese first, English beside them) or
 * as one JSON object. Everything read from the card is outside text: escaped for the terminal.
 * The photo's bytes are never printed, only where they were written.
 */
const ACCESS_TEXT: Readonly<Record<AccessPath, string>> = {
  'pace-can': 'PACE với số CAN · PACE with the CAN',
  'pace-mrz': 'PACE với MRZ · PACE with the MRZ',
  bac: 'BAC với MRZ · BAC with the MRZ',
};

const DG13_LABELS: readonly (readonly [keyof VietnameseDg13, string])[] = [
  ['id12', 'Số định danh · ID number'],
  ['fullName', 'Họ và tên · Full name'],
  ['birthDate', 'Ngày sinh · Date of birth'],
  ['sex', 'Giới tính · Sex'],
  ['nationality', 'Quốc tịch · Nationality'],
  ['ethnicity', 'Dân tộc · Ethnicity'],
  ['religion', 'Tôn giáo · Religion'],
  ['placeOfOrigin', 'Quê quán · Place of origin'],
  ['placeOfResidence', 'Nơi thường trú · Place of residence'],
  ['identifyingMarks', 'Đặc điểm nhận dạng · Identifying marks'],
  ['issueDate', 'Ngày cấp · Date of issue'],
  ['expiryDate', 'Có giá trị đến · Valid until'],
  ['fatherName', 'Họ tên cha · Father'],
  ['motherName', 'Họ tên mẹ · Mother'],
  ['spouseName', 'Họ tên vợ/chồng · Spouse'],
  ['oldId9', 'Số CMND cũ · Old ID number'],
];

const milliseconds = (ms: number): number => Math.round(ms * 10) / 10;

/** The result as the JSON object `--json` prints (photo as its format, size and file only). */
export function chipReadJson(result: ChipReadResult, reader: string, photoFile: string | undefined): string {
  const { photo, dg13, mrz, paceOffer, ...rest } = result;
  return terminalJson({
    reader,
    ...rest,
    // The curve by its name: its parameters are bigints, which JSON does not hold.
    ...(paceOffer === undefined
      ? {}
      : { paceOffer: { oid: paceOffer.oid, cipher: paceOffer.cipher, parameterId: paceOffer.parameterId, curve: paceOffer.curve.name } }),
    timings: result.timings.map((timing) => ({ ...timing, ms: milliseconds(timing.ms) })),
    mrz: {
      format: mrz.format,
      documentCode: mrz.documentCode,
      issuingState: mrz.issuingState,
      documentNumber: mrz.documentNumber,
      birthDate: mrz.birthDate,
      expiryDate: mrz.expiryDate,
      sex: mrz.sex,
      nationality: mrz.nationality,
      primaryName: mrz.primaryName,
      secondaryName: mrz.secondaryName,
      failedCheckDigits: mrz.failedCheckDigits,
      ...(mrz.vietnameseId12 === undefined ? {} : { vietnameseId12: mrz.vietnameseId12 }),
    },
    ...(dg13 === undefined ? {} : { dg13: Object.fromEntries(DG13_LABELS.flatMap(([key]) => (dg13[key] === undefined ? [] : [[key, dg13[key]]]))) }),
    ...(photo === undefined
      ? {}
      : {
          photo: {
            format: photo.format,
            bytes: photo.image.length,
            width: photo.width,
            height: photo.height,
            ...(photoFile === undefined ? {} : { file: photoFile }),
          },
        }),
  });
}

/** The result as lines for a person. */
export function chipReadText(result: ChipReadResult, reader: string, photoFile: string | undefined): string {
  const lines: string[] = [];
  const line = (label: string, value: string): void => void lines.push(`${label}: ${terminalText(value)}`);
  line('Đầu đọc · Reader', reader);
  const offer = result.paceOffer;
  line('Truy cập · Access', ACCESS_TEXT[result.access] + (offer === undefined ? '' : ` (${offer.cipher}, ${offer.curve.name}, id ${offer.parameterId})`));
  line('Xác thực dữ liệu · Data authenticity', `${result.passive.outcome} — ${result.passive.reason.vi} · ${result.passive.reason.en}`);
  if (result.active !== undefined)
    line('Xác thực chip · Chip authenticity', `${result.active.outcome} — ${result.active.reason.vi} · ${result.active.reason.en}`);
  if (result.documentSigner !== undefined) {
    line('Người ký tài liệu, cấp bởi · Document signer, issued by', result.documentSigner.issuer);
    line('Số sê-ri chứng chỉ · Certificate serial number', result.documentSigner.serialNumber);
  }
  line('Nhóm dữ liệu đã đọc · Data groups read', result.dataGroups.map((number) => `DG${number}`).join(', '));
  const { mrz } = result;
  line('MRZ', `${mrz.format} ${mrz.documentCode} ${mrz.issuingState}`);
  line('  Số giấy tờ · Document number', mrz.documentNumber);
  line('  Ngày sinh · Date of birth (YYMMDD)', mrz.birthDate);
  line('  Ngày hết hạn · Date of expiry (YYMMDD)', mrz.expiryDate);
  line('  Họ tên · Name', `${mrz.primaryName} ${mrz.secondaryName}`.trim());
  if (mrz.failedCheckDigits.length > 0) line('  Số kiểm tra sai · Failed check digits', mrz.failedCheckDigits.join(', '));
  if (result.dg13 !== undefined) {
    lines.push('DG13:');
    for (const [key, label] of DG13_LABELS) {
      const value = result.dg13[key];
      if (typeof value === 'string') line(`  ${label}`, value);
    }
  }
  if (result.photo !== undefined) {
    line('Ảnh · Photo', `${result.photo.format}, ${result.photo.image.length} bytes${photoFile === undefined ? '' : ` → ${photoFile}`}`);
  }
  line(
    'Thời gian · Timings',
    result.timings.map((timing) => `${timing.step} ${milliseconds(timing.ms)} ms${timing.bytes === undefined ? '' : ` (${timing.bytes} B)`}`).join(', '),
  );
  return `${lines.join('\n')}\n`;
}
