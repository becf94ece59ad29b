// The hub-scale-out benchmark's download phase, run inside a load process
// (scale-out-kiosk-child.ts): many kiosks fetching the whole snapshot at once, from the hub's
// API or from the artefact store (index and chunks by content hash) behind a plain static
// server — each kiosk as the real one reads it.
import type { Agent } from 'node:http';
import type { ArtefactPlacement } from '../../domain/sync/chunk-stream-verifier.js';
import type { DeviceIdentity } from '../../main/hub-client/device-identity.js';
import { ArtefactFetcher } from '../../main/sync/artefact-fetcher.js';
import { hubKeyStoreFromKeys } from '../../main/trust/hub-key-store.js';
import { verifiedStream, type StreamCheck } from './scale-out-streams.js';
import { timedRequest } from './timed-request.js';

export interface DownloadCommand {
  readonly cmd: 'download';
  /** hub: GET /v1/snapshot, signed; artefacts: index.json then every snapshot chunk. */
  readonly mode: 'hub' | 'artefacts';
  readonly base: string;
  readonly kiosks: number;
}

export interface DownloadResult {
  readonly ms: number[];
  readonly bytes: number[];
  readonly failed: number;
  /** The first kiosk's download verified as a kiosk verifies it; a failed download's reason in `refused`. */
  readonly streams: StreamCheck;
}

export interface DownloadingKiosk {
  readonly identity: DeviceIdentity;
  readonly agent: Agent;
}

interface OneDownload {
  readonly ok: boolean;
  readonly ms: number;
  readonly bytes: number;
  readonly body: Uint8Array | undefined;
  /** From the artefact store: where its signed index places the chunks. */
  readonly placement?: ArtefactPlacement;
  readonly error?: string;
}

/** The first `command.kiosks` kiosks download the whole snapshot at once; the first one's bytes are kept and verified. */
export async function download(command: DownloadCommand, kiosks: readonly DownloadingKiosk[], hubKey: string): Promise<DownloadResult> {
  const results = await Promise.all(
    kiosks.slice(0, command.kiosks).map((kiosk, i) => {
      const keep = i === 0;
      return command.mode === 'hub' ? fromHub(command, kiosk, keep) : fromArtefacts(command, hubKey, keep);
    }),
  );
  const kept = results[0];
  const body = kept?.body;
  const placement = kept?.placement;
  const streams = await verifiedStream('snapshot', body === undefined ? [] : [{ since: 0, body, ...(placement === undefined ? {} : { placement }) }], hubKey);
  const ok = results.filter((r) => r.ok);
  const failure = results.find((r) => r.error !== undefined)?.error;
  return {
    ms: ok.map((r) => r.ms),
    bytes: ok.map((r) => r.bytes),
    failed: results.length - ok.length,
    streams: failure === undefined || streams.refused !== undefined ? streams : { ...streams, refused: failure },
  };
}

async function fromHub(command: DownloadCommand, kiosk: DownloadingKiosk, keep: boolean): Promise<OneDownload> {
  const answer = await timedRequest({
    url: new URL('/v1/snapshot', command.base),
    agent: kiosk.agent,
    headers: kiosk.identity.signRequest('GET', '/v1/snapshot'),
    countOnly: !keep,
  });
  return { ok: answer.status === 200, ms: answer.ms, bytes: answer.bytes, body: keep ? answer.body : undefined };
}

/** The kiosk's own artefact reader: the signed index, then each snapshot chunk, sha256-checked. */
async function fromArtefacts(command: DownloadCommand, hubKey: string, keep: boolean): Promise<OneDownload> {
  const fetcher = new ArtefactFetcher(command.base, hubKeyStoreFromKeys([hubKey]), { timeoutMs: 120_000 });
  const started = performance.now();
  try {
    const index = await fetcher.index();
    if (index.snapshot === null) return { ok: false, ms: 0, bytes: 0, body: undefined, error: 'the artefact index names no snapshot' };
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    for (const ref of index.snapshot.chunks) {
      const chunk = await fetcher.chunk(ref);
      bytes += chunk.length;
      if (keep) chunks.push(chunk);
    }
    const placement = { seq: index.snapshot.seq, chunks: index.snapshot.chunks };
    return { ok: true, ms: performance.now() - started, bytes, body: keep ? Buffer.concat(chunks) : undefined, placement };
  } catch (error) {
    return { ok: false, ms: performance.now() - started, bytes: 0, body: undefined, error: error instanceof Error ? error.message : String(error) };
  }
}
