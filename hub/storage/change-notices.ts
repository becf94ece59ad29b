/**
 * Changes other processes make, pushed to this one: what a hub process hears instead of
 * polling when several processes share one database (PostgreSQL LISTEN/NOTIFY,
 * pg-notice-listener.ts). An embedded SQLite hub is one process and has none: it polls.
 *
 *   seq    an import committed; the payload is the new sequence (decimal)
 *   rules  a rule set was published into the shared data directory (no payload)
 */
export type NoticeChannel = 'seq' | 'rules';

export type NoticeListener = (payload: string) => void;

/**
 * `true` once listening (again): what changed while not listening was not heard, so a
 * listener reads the state once; `false` when the connection is lost: poll meanwhile.
 */
export type ListeningListener = (listening: boolean) => void;

export interface ChangeNotices {
  /** Whether notices arrive now. While not, nothing is heard: followers poll. */
  readonly listening: boolean;
  onNotice(channel: NoticeChannel, listener: NoticeListener): () => void;
  onListening(listener: ListeningListener): () => void;
  close(): Promise<void>;
}
