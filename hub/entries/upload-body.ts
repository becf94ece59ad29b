import { ENTRY_DIRECTIONS, type EntryDirection, type EntryOverride } from '../../domain/entries/entry-record.js';
import { MAX_UPLOAD_ENTRIES, type UploadedEntry } from '../../domain/entries/entry-upload.js';

/** Why a batch body is not one (→ 400 bad-batch); names the entry when one is at fault. */
export class BadBatch extends Error {
  override readonly name = 'BadBatch';
}

type Json = Record<string, unknown>;

/**
 * Reads the JSON of an upload (`{"entries": [...]}`, docs/hub-api.md) into entries, checking
 * every field's type. Each entry is rebuilt from the fields its format has: anything else
 * the body carries is dropped, never stored. Whether the entries hash and chain is ingest's
 * to judge (hub/entries/ingest-plan.ts), not this.
 */
export function parseUploadBody(body: unknown): UploadedEntry[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as Json).entries)) throw new BadBatch('the body must be a JSON object with an "entries" list');
  const entries = (body as { entries: unknown[] }).entries;
  if (entries.length === 0) throw new BadBatch('the batch holds no entries');
  if (entries.length > MAX_UPLOAD_ENTRIES) throw new BadBatch(`a batch holds at most ${MAX_UPLOAD_ENTRIES} entries, this one ${entries.length}`);
  return entries.map((value, index) => parseEntry(value, index));
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
  if (format !== 2) throw new BadBatch(`${fields.where}: format must be 1 or 2, got ${format}`);
  const direction = fields.text('direction');
  if (!ENTRY_DIRECTIONS.includes(direction as EntryDirection)) throw new BadBatch(`${fields.where}: direction must be one of ${ENTRY_DIRECTIONS.join(', ')}`);
  return {
    format: 2,
    ...common,
    kioskId: fields.text('kioskId'),
    location: fields.text('location'),
    lane: fields.text('lane'),
    direction: direction as EntryDirection,
    override: fields.override(),
  };
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
