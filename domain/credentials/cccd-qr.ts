import { parseDdMmYyyy } from '../time/calendar-date.js';
import type { CccdQrCredential, ParseError } from './credential.js';
import { parseError } from './parse-errors.js';

/**
 * The QR printed on a chip citizen ID card (CCCD 2021, Căn cước 2024):
 * `id12|oldId9|full name|birth ddmmyyyy|sex|address|issue ddmmyyyy`, UTF-8.
 * Newer cards append fields; they are kept, not rejected. The address is read
 * only to skip it: the kiosk never keeps or shows addresses.
 */
export function parseCccdQr(text: string): CccdQrCredential | ParseError {
  const fields = text.split('|');
  if (fields.length < 7) return parseError('cccd.field-count');
  const [id12, oldId9, name, birth, sex, , issue, ...extraFields] = fields.map((field) => field.trim()) as [
    string, string, string, string, string, string, string, ...string[],
  ];
  if (!/^\d{12}$/.test(id12)) return parseError('cccd.id-format');
  if (oldId9 !== '' && !/^\d{9}$/.test(oldId9)) return parseError('cccd.old-id-format');
  if (name === '') return parseError('cccd.name-missing');
  const birthDate = parseDdMmYyyy(birth);
  if (birthDate === null) return parseError('cccd.birth-date');
  const normalisedSex = sex.normalize('NFC');
  if (normalisedSex !== 'Nam' && normalisedSex !== 'Nữ') return parseError('cccd.sex');
  const issueDate = parseDdMmYyyy(issue);
  if (issueDate === null) return parseError('cccd.issue-date');
  return {
    kind: 'cccd-qr',
    authenticity: 'unsigned',
    identifiers: oldId9 === '' ? { id12 } : { id12, oldId9 },
    subject: { name: name.normalize('NFC'), birthDate, sex: normalisedSex },
    issueDate,
    extraFields,
  };
}
