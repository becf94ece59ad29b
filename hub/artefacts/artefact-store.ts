/**
 * Where the builder puts what kiosks download without the hub: immutable objects named by
 * the sha256 of their bytes (`chunks/<hex>.chsy`) and the one small mutable index
 * (`index.json`). A shared directory (directory-artefact-store.ts) or an S3-compatible
 * bucket (s3-artefact-store.ts); either is served to kiosks by any static server or CDN.
 */
export interface ArtefactStore {
  /** Human-readable, with no credentials: for logs. */
  readonly description: string;
  /**
   * Writes an immutable object. Its name is derived from its content, so an object that
   * exists already is the same bytes: it is left as it is (and its age restarts, so the
   * grace-period sweep does not take an object a new index names again).
   */
  putObject(name: string, bytes: Uint8Array): Promise<void>;
  /** Replaces the index whole: a reader sees the old one or the new one, never a mix. */
  putIndex(name: string, bytes: Uint8Array): Promise<void>;
  /** The bytes of an object or the index; undefined when there is none. */
  read(name: string): Promise<Uint8Array | undefined>;
  /** Object names under `prefix` (e.g. `chunks/`), with when each was last written (epoch ms). */
  list(prefix: string): Promise<readonly StoredObject[]>;
  /** Removes an object; one already gone is not an error. */
  delete(name: string): Promise<void>;
}

export interface StoredObject {
  readonly name: string;
  readonly writtenAt: number;
}

/** Names are relative, `/`-separated, of letters, digits, `.`, `-`, `_` only: never a way out of the store. */
export function assertObjectName(name: string): void {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/.test(name) || name.split('/').some((part) => part === '..')) {
    throw new Error(`not an artefact name: ${JSON.stringify(name)}`);
  }
}
