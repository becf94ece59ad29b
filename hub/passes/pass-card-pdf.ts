import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { decodeBase45 } from '../../domain/encoding/base45.js';
import { decodePassBody, PASS_PREFIX, SIGNATURE_BYTES, type PassBody } from '../../domain/credentials/pass/pass-codec.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import { cardGeometry, singleCardPage, sheetPage, type Box, type CardSize, type PageLayout } from './pass-card-layout.js';

/**
 * Printable pass cards as a PDF: the pass's QR drawn as vector modules (sharp at any printer
 * resolution) with its quiet zone, and beside it what staff match the holder against — name,
 * birth year, the ID's last 4 digits — with the issuer and the expiry. Everything printed is read
 * back from the signed pass itself, so a card cannot say anything its QR does not.
 * The fonts are DejaVu Sans, embedded (subset) so Vietnamese names print on any printer.
 */
export interface PassCardPdfOptions {
  readonly size: CardSize;
  /** One pass on a page of the card's size, or A4 sheets of cards (pass-card-layout.ts). */
  readonly layout: 'single' | 'sheet';
  /** Who issued the passes, as printed on each card (an office, a school, a company). */
  readonly issuer: string;
}

const fontFile = (name: string): string => createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${name}`);
const REGULAR = 'DejaVuSans';
const BOLD = 'DejaVuSans-Bold';
/** The outline a guillotine follows: light enough not to read as part of the card. */
const CUT_LINE_GREY = '#b0b0b0';
const QUIET_ZONE_MODULES = 4;

/** The signed fields a card prints, from the pass text (refused if it is not a pass). */
function passBodyOf(qrText: string): PassBody {
  const raw = qrText.startsWith(PASS_PREFIX) ? decodeBase45(qrText.slice(PASS_PREFIX.length)) : null;
  const decoded = raw === null || raw.length <= SIGNATURE_BYTES ? undefined : decodePassBody(raw.subarray(0, raw.length - SIGNATURE_BYTES));
  if (decoded?.ok !== true) throw new Error('not a Chốt status pass');
  return decoded.body;
}

/** `21/10/2021 08:00`, Vietnam time: how an expiry is read at a Vietnamese gate. */
function vietnamDateTime(epochMs: number): string {
  const iso = toVietnamIso(epochMs);
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 16)}`;
}

interface CardText {
  readonly title: string;
  readonly name?: string;
  readonly lines: readonly string[];
}

/** What a card says, Vietnamese first with English beside it. */
export function passCardText(qrText: string, issuer: string): CardText {
  const body = passBodyOf(qrText);
  const staff = body.staffId !== undefined;
  const lines = [
    body.holder?.birthYear === undefined ? undefined : `Năm sinh / Born: ${body.holder.birthYear}`,
    staff ? `Mã nhân viên / Staff ID: ${body.staffId}` : `CCCD / ID: ••••${body.id12.slice(-4)}`,
    `Cấp bởi / Issuer: ${issuer}`,
    `Hết hạn / Expires: ${vietnamDateTime(body.expiresAt * 1000)}`,
  ].filter((line): line is string => line !== undefined);
  return {
    title: staff ? 'THẺ NHÂN VIÊN · Staff badge' : 'THẺ THÔNG HÀNH · Status pass',
    ...(body.holder?.name === undefined ? {} : { name: body.holder.name }),
    lines,
  };
}

/** The QR as one filled path of dark modules (runs along each row), quiet zone left white. */
function drawQr(doc: PDFKit.PDFDocument, qrText: string, box: Box): void {
  const { modules } = QRCode.create(qrText, { errorCorrectionLevel: 'M' });
  const module = box.width / (modules.size + 2 * QUIET_ZONE_MODULES);
  const origin = { x: box.x + QUIET_ZONE_MODULES * module, y: box.y + QUIET_ZONE_MODULES * module };
  for (let row = 0; row < modules.size; row++) {
    let column = 0;
    while (column < modules.size) {
      if (modules.data[row * modules.size + column] === 0) {
        column += 1;
        continue;
      }
      const start = column;
      while (column < modules.size && modules.data[row * modules.size + column] !== 0) column += 1;
      doc.rect(origin.x + start * module, origin.y + row * module, (column - start) * module, module);
    }
  }
  // One fill for the whole symbol: adjacent modules merge, no hairline seams when rasterised.
  doc.fillColor('black').fill();
}

/** The largest size up to `max` at which the name fits the text box's width in two lines. */
function nameFontSize(doc: PDFKit.PDFDocument, name: string, width: number, max: number): number {
  doc.font(BOLD);
  for (let size = max; size > max / 2; size -= 0.5) {
    doc.fontSize(size);
    if (doc.heightOfString(name, { width }) <= size * 2.6) return size;
  }
  return max / 2;
}

function drawCard(doc: PDFKit.PDFDocument, qrText: string, slot: Box, options: PassCardPdfOptions): void {
  const geometry = cardGeometry(options.size);
  const at = (box: Box): Box => ({ ...box, x: slot.x + box.x, y: slot.y + box.y });
  doc.save().lineWidth(0.3).strokeColor(CUT_LINE_GREY).rect(slot.x, slot.y, slot.width, slot.height).stroke().restore();
  drawQr(doc, qrText, at(geometry.qr));
  const text = passCardText(qrText, options.issuer);
  const area = at(geometry.text);
  const write = (line: string, font: string, size: number, gapAfter: number) => {
    doc.font(font).fontSize(size).fillColor('black').text(line, area.x, doc.y, { width: area.width });
    doc.y += gapAfter;
  };
  doc.y = area.y;
  write(text.title, BOLD, geometry.fonts.title, geometry.fonts.title * 0.6);
  if (text.name !== undefined) write(text.name, BOLD, nameFontSize(doc, text.name, area.width, geometry.fonts.name), geometry.fonts.line * 0.5);
  for (const line of text.lines) write(line, REGULAR, geometry.fonts.line, geometry.fonts.line * 0.35);
}

/** Writes the cards (each a pass's QR text) into a PDF, in order; resolves with its bytes. */
export function renderPassCardsPdf(qrTexts: readonly string[], options: PassCardPdfOptions): Promise<Buffer> {
  if (qrTexts.length === 0) return Promise.reject(new Error('no passes to print'));
  const page: PageLayout = options.layout === 'single' ? singleCardPage(options.size) : sheetPage(options.size);
  // No names in the metadata: the document's info travels with the file (a print queue, a mail).
  const doc = new PDFDocument({ size: [page.width, page.height], margin: 0, autoFirstPage: false, info: { Title: 'Chốt passes', Producer: 'Chốt' } });
  doc.registerFont(REGULAR, fontFile('DejaVuSans.ttf'));
  doc.registerFont(BOLD, fontFile('DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  qrTexts.forEach((qrText, i) => {
    const slotIndex = i % page.slots.length;
    if (slotIndex === 0) doc.addPage({ size: [page.width, page.height], margin: 0 });
    drawCard(doc, qrText, page.slots[slotIndex] as Box, options);
  });
  doc.end();
  return done;
}
