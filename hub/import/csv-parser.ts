/**
 * A streaming CSV reader (RFC 4180: comma-separated, fields optionally in double quotes,
 * `""` for a quote inside them, quoted fields may span lines), pure so it is tested with
 * strings. Feed it decoded text in chunks of any size; it returns the records completed so
 * far, each with the line it starts on, so a 1 GB export never sits in memory whole.
 * Accepts LF and CRLF line ends and strips a leading byte-order mark (spreadsheets write one).
 *
 * Spreadsheets set to Vietnamese (or most European) settings save "CSV" with `;` between
 * fields, because there `,` is the decimal mark. With `separator: 'detect'` the parser reads
 * the first line and takes `;` when it has more of them than commas, so such a file imports
 * as it is instead of failing on a one-column header.
 */
export interface CsvRecord {
  /** 1-based line the record starts on. */
  readonly line: number;
  readonly fields: readonly string[];
  /** Set when the record is malformed; its fields are then unreliable. */
  readonly error?: string;
}

/** Longer than any real row: an unclosed quote would otherwise swallow the whole file. */
export const MAX_RECORD_CHARS = 1 << 20;

export type CsvSeparator = ',' | ';';

export interface CsvParserOptions {
  /** `,` (the default, RFC 4180), `;`, or 'detect' from the first line. */
  readonly separator?: CsvSeparator | 'detect';
}

const SPECIAL: Readonly<Record<CsvSeparator, RegExp>> = { ',': /[",\r\n]/g, ';': /[";\r\n]/g };

export class CsvParser {
  private buffer = '';
  private chosen: CsvSeparator | undefined;
  private line = 1;
  private atStart = true;
  private ended = false;

  constructor(options: CsvParserOptions = {}) {
    this.chosen = options.separator === 'detect' ? undefined : (options.separator ?? ',');
  }

  /** The separator in use: undefined while 'detect' has not yet seen the whole first line. */
  get separator(): CsvSeparator | undefined {
    return this.chosen;
  }

  /** Adds decoded text; returns the records it completed. */
  push(text: string): CsvRecord[] {
    if (this.ended) throw new Error('CsvParser: push after end');
    if (this.atStart && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.atStart = false;
    }
    this.buffer += text;
    return this.drain(false);
  }

  /** Ends the input (with optional last text); returns the remaining records. */
  end(text = ''): CsvRecord[] {
    const records = text === '' ? [] : this.push(text);
    this.ended = true;
    return [...records, ...this.drain(true)];
  }

  private drain(final: boolean): CsvRecord[] {
    const records: CsvRecord[] = [];
    if (this.chosen === undefined) {
      const firstLineEnd = this.buffer.indexOf('\n');
      if (firstLineEnd === -1 && !final) {
        if (this.buffer.length > MAX_RECORD_CHARS) throw new Error(`line 1: a row longer than ${MAX_RECORD_CHARS} characters`);
        return records;
      }
      this.chosen = separatorOf(this.buffer.slice(0, firstLineEnd === -1 ? undefined : firstLineEnd));
    }
    const separator = this.chosen;
    let pos = 0;
    while (pos < this.buffer.length) {
      const parsed = this.parseRecord(pos, final, separator);
      if (parsed === undefined) break;
      pos = parsed.next;
      if (parsed.record !== undefined) records.push(parsed.record);
    }
    this.buffer = this.buffer.slice(pos);
    if (!final && this.buffer.length > MAX_RECORD_CHARS) {
      throw new Error(`line ${this.line}: a row longer than ${MAX_RECORD_CHARS} characters (an unclosed quote?)`);
    }
    return records;
  }

  /**
   * Parses the record starting at `start`. Returns undefined when the buffer ends before
   * the record does (and more text may come); a blank line gives no record.
   */
  private parseRecord(start: number, final: boolean, separator: CsvSeparator): { record?: CsvRecord; next: number } | undefined {
    const buffer = this.buffer;
    const line = this.line;
    let newlines = 0;
    const fields: string[] = [];
    let i = start;
    for (;;) {
      let field: string;
      if (buffer[i] === '"') {
        // Quoted field: up to the quote not followed by another quote.
        field = '';
        let from = i + 1;
        for (;;) {
          const quote = buffer.indexOf('"', from);
          if (quote === -1 || (quote === buffer.length - 1 && !final)) {
            if (!final) return undefined;
            this.line += newlines + countNewlines(buffer, from, buffer.length);
            return { record: { line, fields, error: 'a quoted field is never closed' }, next: buffer.length };
          }
          newlines += countNewlines(buffer, from, quote);
          field += buffer.slice(from, quote);
          if (buffer[quote + 1] === '"') {
            field += '"';
            from = quote + 2;
            continue;
          }
          i = quote + 1;
          break;
        }
        if (i < buffer.length && !isFieldEnd(buffer, i, separator)) {
          return this.skipBadRecord(line, newlines, i, final, 'a character follows a closing quote (a quote inside a field must be doubled: "")');
        }
      } else {
        const special = SPECIAL[separator];
        special.lastIndex = i;
        const match = special.exec(buffer);
        const end = match === null ? buffer.length : match.index;
        if (match?.[0] === '"')
          return this.skipBadRecord(line, newlines, end, final, 'a quote inside an unquoted field (quote the whole field and double the quote)');
        field = buffer.slice(i, end);
        i = end;
      }
      fields.push(field);
      if (i >= buffer.length || (buffer[i] === '\r' && i === buffer.length - 1)) {
        // The record may go on in the next chunk (even a CR may be half of a CRLF).
        if (!final) return undefined;
        this.line += newlines + (i < buffer.length ? 1 : 0);
        return recordOf(line, fields, buffer.length);
      }
      if (buffer[i] === separator) {
        i += 1;
        continue;
      }
      // A line end: LF, CRLF, or a lone CR.
      const next = buffer[i] === '\r' && buffer[i + 1] === '\n' ? i + 2 : i + 1;
      this.line += newlines + 1;
      return recordOf(line, fields, next);
    }
  }

  /** A malformed record: report it and resume after the end of its line. */
  private skipBadRecord(line: number, newlines: number, from: number, final: boolean, error: string): { record: CsvRecord; next: number } | undefined {
    const lf = this.buffer.indexOf('\n', from);
    if (lf === -1 && !final) return undefined;
    const next = lf === -1 ? this.buffer.length : lf + 1;
    this.line += newlines + (lf === -1 ? 0 : 1);
    return { record: { line, fields: [], error }, next };
  }
}

function recordOf(line: number, fields: string[], next: number): { record?: CsvRecord; next: number } {
  // A blank line (one empty unquoted field) is no record: exports end with one, people add them.
  if (fields.length === 1 && fields[0] === '') return { next };
  return { record: { line, fields }, next };
}

function isFieldEnd(buffer: string, i: number, separator: CsvSeparator): boolean {
  const c = buffer[i];
  return c === separator || c === '\n' || c === '\r';
}

/** `;` when the first line (outside quotes) has more semicolons than commas, else `,`. */
function separatorOf(firstLine: string): CsvSeparator {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const c of firstLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === ',') commas += 1;
    else if (!quoted && c === ';') semicolons += 1;
  }
  return semicolons > commas ? ';' : ',';
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}
