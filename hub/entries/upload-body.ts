import { gunzipSync } from 'node:zlib';
import { entryFieldProblem } from '../../domain/entries/entry-fields.js';
import { ENTRY_DIRECTIONS, type EntryDirection, type EntryOverride } from '../../domain/entries/entry-record.js';
import { MAX_UPLOAD_ENTRIES, MAX_UPLOAD_INFLATED_BYTES, MAX_UPLOAD_JSON_DEPTH, type UploadedEntry } from '../../domain/entries/entry-upload.js';
import { messageOf } from '../../platform/message-of.js';
import { hubErrorStatus, type HubErrorCode } from '../../domain/protocol/hub-errors.js';

/** Why a batch body is not one (`bad-batch`, or `unsupported-encoding`); names the entry and field when one is at fault. */
export class BadBatch extends Error {
  override readonly name = 'BadBatch';
  constructor(
    message: string,
    readonly code: UploadRefusal = 'bad-batch',
  ) {
    super(message);
  }
}

/** The hub API's codes for a body that is not a batch (domain/protocol/hub-errors.ts). */
export type UploadRefusal = Extract<HubErrorCode, 'bad-batch' | 'unsupported-encoding'>;

type Json = Record<string, unknown>;

/**
 * Decodes an upload's bytes into checked entries: inflates (never past
 * MAX_UPLOAD_INFLATED_BYTES), refuses JSON nested deeper than the format is before parsing
 * it (JSON.parse of 40 MB of brackets takes most of a minute and gigabytes), parses, and
 * checks every entry's fields (parseUploadBody). Synchronous and CPU-bound: the hub runs it
 * in a worker thread (build-worker.ts), never on the thread that answers kiosks.
 */
export function decodeUploadBody(body: Uint8Array, contentEncoding: string): UploadedEntry[] {
  let json: Buffer;
  if (contentEncoding === 'gzip') {
    try {
      json = gunzipSync(body, { maxOutputLength: MAX_UPLOAD_INFLATED_BYTES });
    } catch (error) {
      const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      throw new BadBatch(
        tooLarge ? `the batch inflates to more than ${MAX_UPLOAD_INFLATED_BYTES} bytes: send fewer entries per batch` : 'the batch is not valid gzip',
      );
    }
  } else if (contentEncoding === 'identity') {
    if (body.length > MAX_UPLOAD_INFLATED_BYTES) throw new BadBatch(`the batch is more than ${MAX_UPLOAD_INFLATED_BYTES} bytes: send fewer entries per batch`);
    json = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  } else throw new BadBatch(`Content-Encoding ${contentEncoding} is not accepted: send gzip or nothing`, 'unsupported-encoding');
  const depth = jsonDepthBeyond(json, MAX_UPLOAD_JSON_DEPTH);
  if (depth !== undefined)
    throw new BadBatch(
      `the batch nests deeper than ${MAX_UPLOAD_JSON_DEPTH} levels (at byte ${depth}): an upload is {"entries": [entry…]}, an entry's lists hold strings`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch (error) {
    throw new BadBatch(`the batch is not JSON: ${messageOf(error)}`);
  }
  return parseUploadBody(parsed);
}

/** A decoded upload, or why it was refused: what crosses back from the worker thread. */
export type DecodedUpload =
  | { readonly kind: 'entries'; readonly entries: UploadedEntry[] }
  | { readonly kind: 'refused'; readonly code: UploadRefusal; readonly status: number; readonly message: string };

/** decodeUploadBody with its refusal as a value (a thrown error loses its class crossing threads). */
export function decodeUpload(body: Uint8Array, contentEncoding: string): DecodedUpload {
  try {
    return { kind: 'entries', entries: decodeUploadBody(body, contentEncoding) };
  } catch (error) {
    if (error instanceof BadBatch) return { kind: 'refused', code: error.code, status: hubErrorStatus(error.code), message: error.message };
    throw error;
  }
}

/**
 * The offset of the first bracket that opens level `maxDepth + 1` of JSON `bytes`, or
 * undefined when it nests no deeper. A byte scan (strings skipped, escapes honoured) that
 * needs no parse: UTF-8 continuation bytes are never a quote, backslash or bracket.
 */
export function jsonDepthBeyond(bytes: Uint8Array, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c) i += 1;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      depth += 1;
      if (depth > maxDepth) return i;
    } else if (byte === 0x5d || byte === 0x7d) depth -= 1;
  }
  return undefined;
}

/**
 * Reads the JSON of an upload (`{"entries": [...]}`, docs/hub-api.md) into entries, checking
 * every field's type and then its limits (domain/entries/entry-fields.ts; whether the
 * kiosk's clock was right is ingest's to flag). Each entry is rebuilt from the fields its format has:
 * anything else the body carries is dropped, never stored. Whether the entries hash and
 * chain is ingest's to judge (hub/entries/ingest-plan.ts), not this.
 */
export function parseUploadBody(body: unknown): UploadedEntry[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as Json).entries))
    throw new BadBatch('the body must be a JSON object with an "entries" list');
  const entries = (body as { entries: unknown[] }).entries;
  if (entries.length === 0) throw new BadBatch('the batch holds no entries');
  if (entries.length > MAX_UPLOAD_ENTRIES) throw new BadBatch(`a batch holds at most ${MAX_UPLOAD_ENTRIES} entries, this one ${entries.length}`);
  return entries.map((value, index) => {
    const entry = parseEntry(value, index);
    const problem = entryFieldProblem(entry);
    if (problem !== undefined) throw new BadBatch(`entry ${entry.seq} (#${index}): ${problem.field} ${problem.message}`);
    return entry;
  });
}

function parseEntry(value: unknown, index: number): UploadedEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadBatch(`entry #${index} is not a JSON object`);
  const fields = new FieldReader(value as Json, `entry #${index}`);
  const seq = fields.integer('seq');
  fields.where = `entry ${seq}`;
  const common = {
    seq,
    at: fields.text('at'),
    sourceKind: fields.text('sourceKind'),
    sourceDeviceId: fields.text('sourceDeviceId'),
    credentialKind: fields.text('credentialKind'),
    authenticity: fields.text('authenticity'),
    personId: fields.textOrNull('personId'),
    outcome: fields.text('outcome'),
    reasonCodes: fields.textList('reasonCodes'),
    ruleSet: fields.textOrNull('ruleSet'),
    prevHash: fields.text('prevHash'),
    hash: fields.text('hash'),
  };
  const format = fields.integer('format');
  if (format === 1) return { format: 1, ...common };
  if (format !== 2 && format !== 3 && format !== 4) throw new BadBatch(`${fields.where}: format must be 1, 2, 3 or 4, got ${format}`);
  const direction = fields.text('direction');
  if (!ENTRY_DIRECTIONS.includes(direction as EntryDirection)) throw new BadBatch(`${fields.where}: direction must be one of ${ENTRY_DIRECTIONS.join(', ')}`);
  const v2 = {
    ...common,
    kioskId: fields.text('kioskId'),
    location: fields.text('location'),
    lane: fields.text('lane'),
    direction: direction as EntryDirection,
    override: fields.override(),
  };
  // Format 2 had no document signer, format 3 no "entered by": a field its format does not have is dropped, like any other.
  if (format === 2) return { format: 2, ...v2 };
  const v3 = { ...v2, documentSigner: fields.textOrNull('documentSigner') };
  return format === 3 ? { format: 3, ...v3 } : { format: 4, ...v3, enteredBy: fields.textOrNull('enteredBy') };
}

class FieldReader {
  constructor(
    private readonly json: Json,
    public where: string,
  ) {}

  integer(name: string): number {
    const value = this.json[name];
    if (!Number.isSafeInteger(value)) throw new BadBatch(`${this.where}: ${name} must be an integer`);
    return value as number;
  }

  text(name: string): string {
    const value = this.json[name];
    if (typeof value !== 'string') throw new BadBatch(`${this.where}: ${name} must be a string`);
    return value;
  }

  textOrNull(name: string): string | null {
    const value = this.json[name];
    if (value !== null && typeof value !== 'string') throw new BadBatch(`${this.where}: ${name} must be a string or null`);
    return value;
  }

  textList(name: string): string[] {
    const value = this.json[name];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new BadBatch(`${this.where}: ${name} must be a list of strings`);
    return value as string[];
  }

  override(): EntryOverride | null {
    const value = this.json.override;
    if (value === null) return null;
    const { by, reason } = (value ?? {}) as Json;
    if (typeof by !== 'string' || typeof reason !== 'string') throw new BadBatch(`${this.where}: override must be null or {"by", "reason"} strings`);
    return { by, reason };
  }
}
