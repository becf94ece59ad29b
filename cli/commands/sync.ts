import { DB_KEY_FILE_OPTION } from '../db-key-option.js';
import { loadAtRestKey } from '../../main/store/at-rest-key.js';
import { join, resolve } from 'node:path';
import { defaultDataDir } from '../../main/config/paths.js';
import { HUB_CONFIG_FILE, loadHubConfig } from '../../main/hub-client/hub-config.js';
import { FACTS_DATABASE_FILE } from '../../main/store/facts-database.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../main/store/kiosk-database.js';
import { parseHubUrl } from '../../main/hub-client/hub-http.js';
import { HubError, isHubError } from '../../main/hub-client/hub-error.js';
import { KioskSync, readLastSyncedAt, type KioskSyncOptions } from '../../main/sync/kiosk-sync.js';
import type { SyncSummary } from '../../main/sync/sync-client.js';
import { SyncError } from '../../domain/sync/sync-error.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { terminalText } from '../../domain/text/terminal-text.js';
import { messageOf } from '../../platform/message-of.js';

export const SYNC_HELP = `Usage: chot sync [--hub URL] [--data-dir DIR]

Syncs an enrolled kiosk with its hub once, as \`chot start\` does continuously: resumes
a snapshot in progress or fetches the changes since the kiosk's sequence (a whole
snapshot the first time), then the rule sets and the hub's trust files (the CSCA
list chip ID cards are verified with, docs/trust-files.md). Prints what was applied, the sequence the
data is complete up to and the data's age. Exit code 0 when the kiosk is current, 1 when
the sync failed (the data the kiosk had is kept).

Options:
  --hub URL       another URL for the kiosk's hub (default: the one in hub.json)
  --data-dir DIR  the kiosk's data directory (default: ${defaultDataDir()})
  --db-key-file FILE
                  the key the kiosk's databases are encrypted with, when they are and
                  this shell has no chot-db-key credential (default: $CHOT_DB_KEY_FILE)
`;

/** `workerUrl`: tests run the sources and pass a bundled apply worker; the CLI uses the compiled one. */
export async function runSync(args: readonly string[], seams: Pick<KioskSyncOptions, 'workerUrl' | 'client'> = {}): Promise<number> {
  const { values } = parseCommandArgs(args, { hub: { type: 'string' }, 'data-dir': { type: 'string' }, ...DB_KEY_FILE_OPTION });
  if (values.hub !== undefined) {
    try {
      parseHubUrl(values.hub);
    } catch (error) {
      throw new UsageError(messageOf(error));
    }
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  if (loadHubConfig(dataDir) === undefined) {
    process.stderr.write(
      `chot sync: this kiosk is not enrolled with a hub (no ${join(dataDir, HUB_CONFIG_FILE)}): run \`chot enroll --hub URL --code CODE\` first\n`,
    );
    return 1;
  }
  // Opening the kiosk database runs its migrations, which move an older kiosk's people
  // into the facts database: that must happen before the sync writes there.
  const atRestKey = loadAtRestKey({ keyFile: values['db-key-file'] });
  openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE), atRestKey).close();
  const factsDatabaseFile = join(dataDir, FACTS_DATABASE_FILE);
  const sync = await KioskSync.open({
    dataDir,
    factsDatabaseFile,
    ...(atRestKey === undefined ? {} : { atRestKey }),
    ...(values.hub === undefined ? {} : { hubUrl: values.hub }),
    ...seams,
  });
  if (sync === undefined) throw new Error('hub.json disappeared');
  try {
    process.stdout.write(`syncing with ${terminalText(sync.client.url)} as ${terminalText(sync.hub.deviceId)} (${terminalText(sync.hub.location)})\n`);
    const summary = await syncWaitingForSnapshot(sync);
    process.stdout.write(describeSummary(summary));
    process.stdout.write(`data age: ${describeAge(sync.lastSyncedAt())}\n`);
    return summary.rulesRefused.length === 0 && summary.trustRefused.length === 0 ? 0 : 1;
  } catch (error) {
    const code = error instanceof HubError || error instanceof SyncError ? ` (${error.code})` : '';
    process.stderr.write(`chot sync: ${terminalText(messageOf(error))}${code}\n`);
    process.stderr.write(
      `the kiosk keeps its data: sequence ${(await sync.applier.position()).watermark}, data age ${describeAge(readLastSyncedAt(factsDatabaseFile, atRestKey))}\n`,
    );
    return 1;
  } finally {
    await sync.close();
  }
}

export function describeSummary(summary: SyncSummary): string {
  const lines = summary.applied.map((stream) =>
    stream.kind === 'snapshot'
      ? `applied snapshot at sequence ${stream.toSeq}: ${stream.records} people in ${stream.chunks} chunk(s)${stream.resumedFrom === undefined ? '' : `, resumed at chunk ${stream.resumedFrom}`}`
      : `applied delta to sequence ${stream.toSeq}: ${stream.records} people changed`,
  );
  if (summary.applied.length === 0) lines.push('no new data: the hub has nothing newer');
  lines.push(`data complete up to sequence ${summary.watermark}${summary.upToDate ? ' (current)' : ''}`);
  const installed = summary.rulesInstalled.length;
  lines.push(installed === 0 && summary.rulesRefused.length === 0 ? 'rule sets: unchanged' : `rule sets: ${installed} installed`);
  for (const refused of summary.rulesRefused) lines.push(`rule set ${refused.name ?? '(unnamed)'} refused: ${refused.message} (${refused.code})`);
  if (summary.trustInstalled.length === 0 && summary.trustRefused.length === 0) lines.push('trust files: unchanged');
  for (const installed of summary.trustInstalled)
    lines.push(`trust file ${terminalText(installed.kind)} version ${installed.version} installed: ${terminalText(installed.file)}`);
  for (const refused of summary.trustRefused)
    lines.push(
      `trust file ${terminalText(refused.kind ?? '(no kind)')}${refused.version === undefined ? '' : ` version ${refused.version}`} refused, the last good one kept: ${terminalText(refused.message)} (${refused.code})`,
    );
  return `${lines.join('\n')}\n`;
}

export function describeAge(syncedAt: number | undefined, now = Date.now()): string {
  if (syncedAt === undefined) return 'never synced';
  const minutes = Math.floor(Math.max(0, now - syncedAt) / 60_000);
  const when = new Date(syncedAt).toISOString();
  if (minutes < 1) return `under a minute (synced ${when})`;
  if (minutes < 60) return `${minutes} min (synced ${when})`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min (synced ${when})`;
  return `${Math.floor(hours / 24)} days ${hours % 24} h (synced ${when})`;
}

/** A new hub builds its first snapshot for a while: a one-shot sync waits for it (up to 15 min) rather than fail. */
async function syncWaitingForSnapshot(sync: KioskSync, maxWaitMs = 15 * 60_000): Promise<SyncSummary> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    try {
      return await sync.syncOnce();
    } catch (error) {
      if (!isHubError(error, 'snapshot-building') || Date.now() > deadline) throw error;
      const waitMs = Math.min(Math.max(error.retryAfterMs ?? 5000, 500), 60_000);
      process.stdout.write(`the hub is still building its snapshot; trying again in ${Math.round(waitMs / 1000)} s\n`);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
