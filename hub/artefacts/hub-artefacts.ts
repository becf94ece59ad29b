import { setTimeout as sleep } from 'node:timers/promises';
import { isArtefactBase, signArtefactLocation, type SignedArtefactLocation } from '../../domain/sync/artefact-index.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { HubSigningKey } from '../keys/hub-signing-key.js';
import type { SnapshotIndex } from '../server/snapshot-files.js';
import { ArtefactBuilder, type ArtefactBuilderOptions } from './artefact-builder.js';
import { ArtefactPublisher } from './artefact-publisher.js';
import { ArtefactReader } from './artefact-reader.js';
import type { ArtefactStore } from './artefact-store.js';
import { PgBuilderLease, soleBuilder, type BuilderLease } from './builder-lease.js';

export interface HubArtefactsOptions {
  readonly store: ArtefactStore;
  readonly base?: string | undefined;
  readonly graceMs?: number | undefined;
  readonly lease?: BuilderLease | undefined;
  readonly leaseRetryMs?: number | undefined;
  readonly key: HubSigningKey;
  readonly log: Logger;
  readonly now: () => number;
  readonly delta: ArtefactBuilderOptions['delta'];
  /** The shared database, when there is one: the builder is elected on it. */
  readonly pgUrl?: string | undefined;
}

/** How often a process waiting for a stored snapshot looks at the index (the reader keeps a read 2 s). */
const STORED_POLL_MS = 500;

/** What the snapshot cache is to the artefacts: where the newest built snapshot is, and a nudge to build. */
export interface SnapshotSource {
  newest(): SnapshotIndex | undefined;
  pathOf(index: SnapshotIndex): string;
  buildingAllowed(): void;
}

/** The hub server's artefact parts, wired together: the lease decides, the builder publishes, the reader serves. */
export interface HubArtefacts {
  readonly lease: BuilderLease;
  readonly builder: ArtefactBuilder;
  readonly reader: ArtefactReader;
  readonly location?: SignedArtefactLocation;
  /** Called once the snapshot cache exists: becoming the builder then builds and publishes what is missing. */
  attach(snapshots: SnapshotSource): void;
  /** Resolves with the stored snapshot's sequence once the store's index names one at `atLeast` or later (what a process that is not the builder serves). */
  whenStored(atLeast: number): Promise<number>;
  close(): Promise<void>;
}

export async function startArtefacts(options: HubArtefactsOptions): Promise<HubArtefacts> {
  const { store, key, log } = options;
  if (options.base !== undefined && !isArtefactBase(options.base)) {
    throw new Error(`the artefact base must be an http(s) URL ending in "/" with no query: ${options.base}`);
  }
  const publisher = await ArtefactPublisher.open({ store, key, log, now: options.now, ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }) });
  const builder = new ArtefactBuilder({ publisher, log, delta: options.delta });
  const lease = options.lease ?? (options.pgUrl === undefined ? soleBuilder() : await PgBuilderLease.start(options.pgUrl, log, options.leaseRetryMs));
  let snapshots: SnapshotSource | undefined;
  let closed = false;
  /** A builder taking over publishes the newest snapshot it has if the index names an older one. */
  const catchUp = (): void => {
    const newest = snapshots?.newest();
    if (snapshots === undefined || newest === undefined) return;
    if ((publisher.current().snapshot?.seq ?? -1) < newest.seq)
      builder.snapshotReady({ seq: newest.seq, people: newest.people, path: snapshots.pathOf(newest), offsets: newest.offsets });
  };
  lease.onChange((isBuilder) => {
    builder.setActive(isBuilder);
    if (!isBuilder) return;
    catchUp();
    snapshots?.buildingAllowed();
  });
  builder.setActive(lease.isBuilder());
  log.info(`artefacts published to ${store.description}${options.base === undefined ? '' : `, served to kiosks from ${options.base}`}`);
  const reader = new ArtefactReader(store, key, options.now);
  return {
    lease,
    builder,
    reader,
    ...(options.base === undefined ? {} : { location: signArtefactLocation({ base: options.base, hubKeyId: key.keyId }, key.sign) }),
    attach(source) {
      snapshots = source;
      if (builder.isActive()) catchUp();
    },
    async whenStored(atLeast) {
      for (;;) {
        if (closed) throw new Error('the hub closed before the artefact store held the snapshot');
        const seq = (await reader.index())?.snapshot?.seq;
        if (seq !== undefined && seq >= atLeast) return seq;
        await sleep(STORED_POLL_MS);
      }
    },
    async close() {
      closed = true;
      await builder.close();
      await lease.close();
    },
  };
}
