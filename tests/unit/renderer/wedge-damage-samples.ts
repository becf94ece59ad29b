/**
 * Realistic damaged CCCD QRs, built by simulating what happens to a card's text between a
 * keyboard-mode scanner and the page: the CCCD QR format of domain/credentials/cccd-qr.ts,
 * then Telex or VNI key sequences, UTF-8 read in a Windows code page, TCVN3 read in 1252,
 * or lost bytes.
 */

export interface CardSample {
  readonly label: string;
  readonly id12: string;
  readonly name: string;
  readonly birth: string;
  readonly sex: 'Nam' | 'Nữ';
  readonly address: string;
  readonly issue: string;
}

export const CARDS: readonly CardSample[] = [
  { label: 'man, 1989', id12: '056089001234', name: 'Nguyễn Văn An', birth: '15031989', sex: 'Nam', address: 'Số 1 Trần Phú, Nha Trang', issue: '10072021' },
  { label: 'woman, 1995', id12: '079195004321', name: 'Trần Thị Bình', birth: '02091995', sex: 'Nữ', address: '12 Lê Lợi, Quận 1', issue: '01012022' },
  { label: 'man, 1990', id12: '001090123456', name: 'Lê Hoàng Đức', birth: '01011990', sex: 'Nam', address: 'Phường Điện Biên, Ba Đình', issue: '20042021' },
  { label: 'woman, 2001', id12: '001301234567', name: 'Phạm Thị Hương', birth: '30062001', sex: 'Nữ', address: 'Vân Đình, Hà Nội', issue: '05052022' },
  { label: 'woman, 1978', id12: '048178000111', name: 'Đặng Thu Trường', birth: '11111978', sex: 'Nữ', address: 'Hải Châu, Đà Nẵng', issue: '15082021' },
];

export const qrText = (card: CardSample): string => [card.id12, '', card.name, card.birth, card.sex, card.address, card.issue].join('|');

const TONE_TELEX: Readonly<Record<string, string>> = { '\u0301': 's', '\u0300': 'f', '\u0309': 'r', '\u0303': 'x', '\u0323': 'j' };
const TONE_VNI: Readonly<Record<string, string>> = { '\u0301': '1', '\u0300': '2', '\u0309': '3', '\u0303': '4', '\u0323': '5' };

/** Each Vietnamese letter as the keys Telex types for it, the tone key at the end of the word (as people type). */
export function telexKeys(text: string): string {
  return text.replace(/[^\s|,]+/gu, (word) => {
    let tone = '';
    let out = '';
    for (const char of word.normalize('NFD')) {
      const last = out.at(-1) ?? '';
      if (char in TONE_TELEX) tone = TONE_TELEX[char]!;
      else if (char === '\u0302')
        out += last; // â ê ô: the vowel twice
      else if (char === '\u0306' || char === '\u031b')
        out += last === last.toUpperCase() ? 'W' : 'w'; // ă, ơ ư
      else if (char === 'đ') out += 'dd';
      else if (char === 'Đ') out += 'DD';
      else out += char;
    }
    return out + tone;
  });
}

/** VNI: each diacritic as a digit after its letter. */
export function vniKeys(text: string): string {
  let out = '';
  for (const char of text.normalize('NFD')) {
    if (char in TONE_VNI) out += TONE_VNI[char];
    else if (char === '\u0302') out += '6';
    else if (char === '\u0306') out += '8';
    else if (char === '\u031b') out += '7';
    else if (char === 'đ') out += 'd9';
    else if (char === 'Đ') out += 'D9';
    else out += char;
  }
  return out;
}

// Code pages 1252 and 1258 above ASCII: 80–9F differ from Latin-1 (Node's TextDecoder maps
// them to C1 controls, Windows does not), and 1258 puts Vietnamese letters and combining
// tones where 1252 has Latin-1 ones.
const CP1252_80_9F =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const CP1258_OVERRIDES: Readonly<Record<number, string>> = {
  0x8a: '\u008a',
  0x8e: '\u008e',
  0x9a: '\u009a',
  0x9e: '\u009e',
  0xc3: 'Ă',
  0xcc: '\u0300',
  0xd0: 'Đ',
  0xd2: '\u0309',
  0xd5: 'Ơ',
  0xdd: 'Ư',
  0xde: '\u0303',
  0xe3: 'ă',
  0xec: '\u0301',
  0xf0: 'đ',
  0xf2: '\u0323',
  0xf5: 'ơ',
  0xfd: 'ư',
  0xfe: '₫',
};

function decodeCodepage(bytes: Uint8Array, codepage: 'windows-1252' | 'windows-1258'): string {
  let out = '';
  for (const byte of bytes) {
    const override = codepage === 'windows-1258' ? CP1258_OVERRIDES[byte] : undefined;
    if (override !== undefined) out += override;
    else if (byte >= 0x80 && byte <= 0x9f) out += CP1252_80_9F[byte - 0x80];
    else out += String.fromCharCode(byte);
  }
  return out;
}

/** The UTF-8 bytes shown in a single-byte Windows code page (what Alt+numpad byte entry produces). */
export function utf8AsCodepage(text: string, codepage: 'windows-1252' | 'windows-1258'): string {
  return decodeCodepage(new TextEncoder().encode(text), codepage);
}

// TCVN 5712:1993 (VN3, "ABC") bytes of the letters the samples use; capitals with a tone do
// not exist in VN3 (fonts draw them), so only Ă Â Ê Ô Ơ Ư Đ are upper case.
const TCVN3: Readonly<Record<string, number>> = {
  ă: 0xa8,
  â: 0xa9,
  ê: 0xaa,
  ơ: 0xac,
  ư: 0xad,
  đ: 0xae,
  Đ: 0xa7,
  à: 0xb5,
  ả: 0xb6,
  ã: 0xb7,
  ạ: 0xb9,
  ẵ: 0xbd,
  ặ: 0xc6,
  ầ: 0xc7,
  ậ: 0xcb,
  ễ: 0xd4,
  ệ: 0xd6,
  ì: 0xd7,
  ị: 0xde,
  ò: 0xdf,
  ố: 0xe8,
  ộ: 0xe9,
  ờ: 0xea,
  ợ: 0xee,
  ú: 0xf3,
  ữ: 0xf7,
  ứ: 0xf8,
};

/** The text in TCVN3 bytes (Unikey's "TCVN3 (ABC)" charset), read as code page 1252. */
export function tcvn3AsCp1252(text: string): string {
  const bytes: number[] = [];
  for (const char of text.normalize('NFC')) {
    const code = TCVN3[char];
    if (code !== undefined && code !== 0) bytes.push(code);
    else if (char.charCodeAt(0) < 0x80) bytes.push(char.charCodeAt(0));
    else throw new Error(`no TCVN3 byte for ${char} in the sample table`);
  }
  return decodeCodepage(Uint8Array.from(bytes), 'windows-1252');
}

/** Every non-ASCII letter lost as U+FFFD (a decoder that gave up). */
export const replacementChars = (text: string): string => text.replace(/\P{ASCII}/gu, '\ufffd');

export const DAMAGES: readonly { readonly label: string; readonly apply: (text: string) => string }[] = [
  { label: 'Telex keys (input method off)', apply: telexKeys },
  { label: 'VNI keys', apply: vniKeys },
  { label: 'UTF-8 read as Windows-1252', apply: (text) => utf8AsCodepage(text, 'windows-1252') },
  { label: 'UTF-8 read as Windows-1258', apply: (text) => utf8AsCodepage(text, 'windows-1258') },
  { label: 'TCVN3 read as Windows-1252', apply: tcvn3AsCp1252 },
  { label: 'replacement characters', apply: replacementChars },
];
