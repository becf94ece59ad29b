import { join, resolve } from 'node:path';
import type { LogLevel } from '../../platform/logging/logger.js';
import { LOGS_DIR, logLevelFrom, openProcessLogger } from '../../platform/logging/open-logger.js';
import { messageOf } from '../../platform/message-of.js';
import { defaultHubDataDir } from '../../hub/config/hub-paths.js';
import { startHubServer, type HubServer } from '../../hub/server/hub-server.js';
import { describeHubStorage, type HubStorageLocation } from '../../hub/storage/open-hub-storage.js';
import { parseCommandArgs, parsePort, UsageError } from '../args.js';

export const DEFAULT_HUB_PORT = 8080;
export const DEFAULT_HUB_HOST = '0.0.0.0';

/** The serve command's lines for the hub's help text. */
export const HUB_SERVE_HELP = `  serve [--port N] [--host H] [--pg URL] [--log-level debug|info|warn|error]
             serve kiosks over HTTP + WebSocket (docs/hub-api.md): enrolment, snapshots,
             deltas, rule sets, sequence notices; and the admin API (contact tracing,
             with an admin token). Listens on ${DEFAULT_HUB_HOST}:${DEFAULT_HUB_PORT} by default;
             plain HTTP: put it behind TLS (a reverse proxy) outside a closed network.
             Logs to stderr and to DATA/logs/chot.log (JSON lines, rotated at 5 MiB,
             4 old files kept); --log-level (default $CHOT_LOG_LEVEL, else info).
             Runs until Ctrl-C or SIGTERM`;

export interface HubServeIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
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
    'log-level': { type: 'string' },
  });
  let level: LogLevel;
  try {
    level = logLevelFrom(values['log-level']);
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  const port = values.port === undefined ? DEFAULT_HUB_PORT : parsePort(values.port);
  const host = values.host ?? DEFAULT_HUB_HOST;
  if (host.trim() === '') throw new UsageError('--host needs an address, e.g. 0.0.0.0 (all interfaces) or 127.0.0.1');
  // With --pg the people are in PostgreSQL, but the key, rule sets and snapshot cache stay in --data.
  const dataDir = resolve(values.data ?? defaultHubDataDir());
  const location: HubStorageLocation = values.pg !== undefined ? { pgUrl: values.pg } : { dataDir };
  const signals = io.stopSignal === undefined ? firstSignal() : undefined;
  // The hub's lines on stderr as they always were (no prefix: request lines start with their time).
  const logger = openProcessLogger({ level, logDir: join(dataDir, LOGS_DIR), stderrPrefix: '', stderr: io.stderr });
  let server: HubServer;
  try {
    server = await startHubServer({ dataDir, storage: location, port, host, logger });
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
