import type { HubStorage } from '../../../hub/storage/hub-storage.js';
import { openHubStorage, type HubStorageLocation } from '../../../hub/storage/open-hub-storage.js';
import { rawRows } from './entry-store-fixtures.js';

/**
 * One part of the hub's storage (enrolment, admin tokens, …) as its contract suite drives
 * it: the store, another handle on the same data (a second hub process, the admin's CLI),
 * and the rows of its table as the engine keeps them, read past the store.
 */
export interface StoreSubject<S> {
  readonly store: S;
  another(): Promise<S>;
  storedRows(): Promise<unknown[]>;
  close(): Promise<void>;
}

export type OpenStoreSubject<S> = () => Promise<StoreSubject<S>>;

/** The part `pick` of a fresh hub storage at `newLocation()`; `table` is what storedRows() reads. */
export function hubStorageSubjectOf<S>(newLocation: () => HubStorageLocation, pick: (storage: HubStorage) => S, table: string): OpenStoreSubject<S> {
  return async () => {
    const location = newLocation();
    const opened = [await openHubStorage(location)];
    return {
      store: pick(opened[0]!),
      async another() {
        opened.push(await openHubStorage(location));
        return pick(opened.at(-1)!);
      },
      storedRows: () => rawRows(location, `SELECT * FROM ${table}`),
      close: async () => void (await Promise.all(opened.map((s) => s.close()))),
    };
  };
}

/** A memory store: "another handle" is the same object; `rows` reads its private map. */
export function memorySubjectOf<S>(newStore: () => S, rows: (store: S) => unknown[]): OpenStoreSubject<S> {
  return async () => {
    const store = newStore();
    return { store, another: async () => store, storedRows: async () => rows(store), close: async () => undefined };
  };
}
