import { join, resolve } from 'node:path';
import type { LogLevel } from '../../platform/logging/logger.js';
import { LOGS_DIR, logLevelFrom, openProcessLogger } from '../../platform/logging/open-logger.js';
import { messageOf } from '../../platform/message-of.js';
import { defaultHubDataDir } from '../../hub/config/hub-paths.js';
import { startHubServer, type HubArtefactOptions, type HubServer } from '../../hub/server/hub-server.js';
import { describeHubStorage, type HubStorageLocation } from '../../hub/storage/open-hub-storage.js';
import { DEFAULT_ENTRY_KEEP_DAYS } from '../../hub/entries/entry-retention.js';
import { parseCommandArgs, parsePort, UsageError } from '../args.js';
import { DirectoryArtefactStore } from '../../hub/artefacts/directory-artefact-store.js';
import { S3ArtefactStore } from '../../hub/artefacts/s3-artefact-store.js';
import type { ArtefactStore } from '../../hub/artefacts/artefact-store.js';
import { isArtefactBase } from '../../domain/sync/artefact-index.js';
import { parseKeepDays } from './hub-entries.js';

export const DEFAULT_HUB_PORT = 8080;
export const DEFAULT_HUB_HOST = '0.0.0.0';

/** The serve command's lines for the hub's help text. */
export const HUB_SERVE_HELP = `  serve [--port N] [--host H] [--pg URL] [--cache-dir DIR] [--poll-interval S]
        [--log-level debug|info|warn|error]
        [--artefact-dir DIR | --artefact-s3 URL] [--artefact-base URL] [--entry-keep-days N]
             serve kiosks over HTTP + WebSocket (docs/hub-api.md): enrolment, snapshots,
             deltas, rule sets, sequence notices; and the admin API (contact tracing,
             with an admin token). Listens on ${DEFAULT_HUB_HOST}:${DEFAULT_HUB_PORT} by default;
             plain HTTP: put it behind TLS (a reverse proxy) outside a closed network.
             --artefact-dir: publish snapshot and delta chunks and a signed index to DIR
             (a mount every hub process shares), or --artefact-s3 to an S3-compatible
             bucket (path-style URL https://HOST/BUCKET/PREFIX/; credentials from
             AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY [AWS_SESSION_TOKEN], region from
             AWS_REGION); --artefact-base: the URL kiosks fetch them from (a static
             server or CDN, ending in /). With --pg, one process
             (holding a PostgreSQL advisory lock) builds and publishes; the others serve.
             Logs to stderr and to DATA/logs/chot.log (JSON lines, rotated at 5 MiB,
             4 old files kept); --log-level (default $CHOT_LOG_LEVEL, else info).
             With --pg, any number of processes may serve one database and one data
             dir (docs/deployment.md); each builds snapshots into a directory of its
             own, DATA/cache/snapshots/<host>-<port> unless --cache-dir says.
             Imports and rule sets published by other processes are heard at once
             on PostgreSQL (LISTEN/NOTIFY); --poll-interval (seconds, default 1) is
             how often the rules folder, and without PostgreSQL's notices the
             sequence, is looked at.
             On PostgreSQL, drops uploaded entries older than --entry-keep-days (default
             ${DEFAULT_ENTRY_KEEP_DAYS}) at start and hourly, whole days (chot hub entries prune).
             Runs until Ctrl-C or SIGTERM`;

export interface HubServeIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Where the S3 credentials are read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Resolves when the command should stop; default: the first SIGINT or SIGTERM. */
  readonly stopSignal?: Promise<unknown>;
}

/** `chot hub serve [--data DIR] [--pg URL] [--port N] [--host H]`: exit code 0 after a clean stop. */
export async function runHubServe(args: readonly string[], io: HubServeIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const { values } = parseCommandArgs(args, {
    data: { type: 'string' },
    pg: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'cache-dir': { type: 'string' },
    'poll-interval': { type: 'string' },
    'log-level': { type: 'string' },
    'artefact-dir': { type: 'string' },
    'artefact-base': { type: 'string' },
    'artefact-s3': { type: 'string' },
    'entry-keep-days': { type: 'string' },
  });
  const entryKeepDays = parseKeepDays(values['entry-keep-days'], '--entry-keep-days');
  let level: LogLevel;
  try {
    level = logLevelFrom(values['log-level']);
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  const port = values.port === undefined ? DEFAULT_HUB_PORT : parsePort(values.port);
  const seqPollMs = values['poll-interval'] === undefined ? undefined : parsePollInterval(values['poll-interval']);
  const host = values.host ?? DEFAULT_HUB_HOST;
  if (host.trim() === '') throw new UsageError('--host needs an address, e.g. 0.0.0.0 (all interfaces) or 127.0.0.1');
  // With --pg the people are in PostgreSQL, but the key, rule sets and snapshot cache stay in --data.
  const dataDir = resolve(values.data ?? defaultHubDataDir());
  const location: HubStorageLocation = values.pg !== undefined ? { pgUrl: values.pg } : { dataDir };
  const artefacts = artefactOptions(values['artefact-dir'], values['artefact-s3'], values['artefact-base'], io.env ?? process.env);
  const signals = io.stopSignal === undefined ? firstSignal() : undefined;
  // The hub's lines on stderr as they always were (no prefix: request lines start with their time).
  const logger = openProcessLogger({ level, logDir: join(dataDir, LOGS_DIR), stderrPrefix: '', stderr: io.stderr });
  let server: HubServer;
  try {
    const snapshotCacheDir = values['cache-dir'] === undefined ? undefined : resolve(values['cache-dir']);
    server = await startHubServer({
      dataDir,
      storage: location,
      port,
      host,
      logger,
      ...(snapshotCacheDir === undefined ? {} : { snapshotCacheDir }),
      ...(seqPollMs === undefined ? {} : { seqPollMs }),
      ...(artefacts === undefined ? {} : { artefacts }),
      entryKeepDays,
    });
  } catch (error) {
    signals?.dispose();
    logger.close();
    throw error;
  }
  const everywhere = host === '0.0.0.0' || host === '::';
  io.stdout.write(
    [
      `hub serving     ${everywhere ? `http://${host.includes(':') ? `[${host}]` : host}:${server.port} (all interfaces; here ${server.url})` : server.url}`,
      `hub key id      ${server.hubKeyId}`,
      `hub storage     ${describeHubStorage(location)}`,
      `hub data        ${dataDir}`,
      'stop with Ctrl-C',
      '',
    ].join('\n'),
  );
  await (io.stopSignal ?? signals?.received);
  logger.info('stopping the hub…');
  await server.close();
  logger.close();
  return 0;
}

/** `--poll-interval` in seconds, to milliseconds: from 0.01 s (a busy loop below) to an hour (a poll that never comes). */
function parsePollInterval(text: string): number {
  const seconds = text.trim() === '' ? Number.NaN : Number(text);
  if (!(seconds >= 0.01 && seconds <= 3600)) throw new UsageError(`--poll-interval must be 0.01–3600 seconds, got ${JSON.stringify(text)}`);
  return Math.round(seconds * 1000);
}

/** The artefact store the flags name, if any (docs/hub-api.md, "Artefacts"). */
function artefactOptions(dir: string | undefined, s3: string | undefined, base: string | undefined, env: NodeJS.ProcessEnv): HubArtefactOptions | undefined {
  if (dir !== undefined && s3 !== undefined) throw new UsageError('--artefact-dir and --artefact-s3 name two stores: give one');
  if (base !== undefined && dir === undefined && s3 === undefined)
    throw new UsageError('--artefact-base names where kiosks fetch the artefacts --artefact-dir or --artefact-s3 writes: give one of them too');
  if (base !== undefined && !isArtefactBase(base))
    throw new UsageError(`--artefact-base must be an http(s) URL ending in "/" with no query, e.g. https://cdn.example/chot/ (got ${base})`);
  let store: ArtefactStore;
  if (dir !== undefined) store = new DirectoryArtefactStore(resolve(dir));
  else if (s3 !== undefined) {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (accessKeyId === undefined || secretAccessKey === undefined)
      throw new UsageError('--artefact-s3 reads its credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both');
    try {
      store = new S3ArtefactStore({
        url: s3,
        region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
        credentials: { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN },
      });
    } catch (error) {
      throw new UsageError(`--artefact-s3: ${messageOf(error)}`);
    }
  } else return undefined;
  return { store, ...(base === undefined ? {} : { base }) };
}

/** The first SIGINT or SIGTERM; the handlers are removed once it came, so a second Ctrl-C kills. */
function firstSignal(): { received: Promise<NodeJS.Signals>; dispose(): void } {
  let stop: (signal: NodeJS.Signals) => void = () => undefined;
  const dispose = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  const received = new Promise<NodeJS.Signals>((resolve) => {
    stop = (signal) => {
      dispose();
      resolve(signal);
    };
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return { received, dispose };
}
