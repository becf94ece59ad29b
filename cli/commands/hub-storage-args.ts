import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultHubDataDir } from '../../hub/config/hub-paths.js';
import type { HubStorageLocation } from '../../hub/storage/open-hub-storage.js';
import { UsageError } from '../args.js';
import { messageOf } from '../../platform/message-of.js';

/**
 * Parses an admin command on the hub's storage: its options, `--data DIR | --pg URL`, and
 * `positionals` positional arguments (anywhere among the options).
 */
export function parseStorageCommand<T extends Record<string, { type: 'string' }>>(args: readonly string[], options: T, positionals: number) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, data: { type: 'string' }, pg: { type: 'string' } },
      strict: true,
      allowPositionals: positionals > 0,
    });
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  const values = parsed.values as Partial<Record<keyof T | 'data' | 'pg', string>>;
  if (values.data !== undefined && values.pg !== undefined) throw new UsageError('give --data DIR or --pg URL, not both');
  const location: HubStorageLocation = values.pg !== undefined ? { pgUrl: values.pg } : { dataDir: resolve(values.data ?? defaultHubDataDir()) };
  return { values, positionals: parsed.positionals, location };
}
