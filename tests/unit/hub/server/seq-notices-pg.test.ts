import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pushedSeqFeed } from '../../../../hub/server/seq-feed.js';
import { SeqWatcher } from '../../../../hub/server/seq-watcher.js';
import { PgHubStorage } from '../../../../hub/storage/pg-hub-storage.js';
import { NOTICE_SESSION_NAME, PgNoticeListener } from '../../../../hub/storage/pg-notice-listener.js';
import { memoryLogger } from '../../../support/memory-logger.js';
import { startPostgres, type PostgresCluster } from '../../../support/postgres.js';
import { until } from '../../../support/wait-for.js';
import { lines } from '../hub-storage-contract.js';
import { people } from './hub-test-kit.js';

// A real server: the notices are PostgreSQL's own LISTEN/NOTIFY, the outage a real lost session.
let cluster: PostgresCluster;
beforeAll(() => {
  cluster = startPostgres();
}, 90_000);
afterAll(() => cluster?.stop());

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const HOUR = 3_600_000;

async function hub() {
  const url = cluster.createDatabase();
  const storage = await PgHubStorage.open(url);
  closers.push(() => storage.close());
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  closers.push(() => admin.end());
  let imports = 0;
  const importPeople = async (n: number): Promise<number> => {
    imports += 1;
    return (await storage.applyImport('person', lines(people(n, imports * 1000)), { name: 'person.csv' })).seq;
  };
  return { url, storage, admin, importPeople };
}

/** A login role of its own for the listener (roles are the cluster's: one name per test), so that its sessions alone can be refused and cut. */
let roles = 0;
async function listenerRole(admin: pg.Client, url: string): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void> }> {
  roles += 1;
  const role = `hub_listener_${roles}`;
  await admin.query(`CREATE ROLE ${role} LOGIN`);
  const own = new URL(url);
  own.username = role;
  return {
    url: own.toString(),
    cut: async () => {
      await admin.query(`ALTER ROLE ${role} NOLOGIN`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
    },
    restore: async () => {
      await admin.query(`ALTER ROLE ${role} LOGIN`);
    },
  };
}

async function listener(connectionString: string, reconnect = { minMs: 20, maxMs: 100 }) {
  const log = memoryLogger();
  const notices = await PgNoticeListener.start({ connectionString, log, reconnect });
  closers.push(() => notices.close());
  const states: boolean[] = [];
  notices.onListening((listening) => states.push(listening));
  return { notices, states, log };
}

async function watcher(h: Awaited<ReturnType<typeof hub>>, notices: PgNoticeListener, pollMs: number, reconcileMs = HOUR) {
  const log = memoryLogger();
  const read = (): Promise<number> => h.storage.currentSeq();
  const watched = await SeqWatcher.start(read, pushedSeqFeed(notices, read, pollMs, log, reconcileMs), log);
  closers.push(() => watched.close());
  const heard: { seq: number; change: string; listening: boolean }[] = [];
  watched.onChange((seq, change) => heard.push({ seq, change, listening: notices.listening }));
  return { watched, heard };
}

describe('sequence notices on PostgreSQL (LISTEN/NOTIFY)', () => {
  it('the feed announces each committed import with its sequence, and nothing for an import that changed nobody', async () => {
    const h = await hub();
    const { notices } = await listener(h.url);
    expect(notices.listening).toBe(true);
    const payloads: string[] = [];
    notices.onNotice('seq', (payload) => payloads.push(payload));
    expect(await h.importPeople(3)).toBe(1);
    await until(() => payloads.length === 1, 'the first notice');
    // The same rows again change nobody: the sequence stays, and no notice is sent.
    await h.storage.applyImport('person', lines(people(3, 1000)), { name: 'again.csv' });
    expect(await h.importPeople(2)).toBe(2);
    await until(() => payloads.length === 2, 'the second notice');
    expect(payloads).toEqual(['1', '2']);
    // A notice on the rules channel reaches the rules listeners only.
    const rules: string[] = [];
    notices.onNotice('rules', (payload) => rules.push(payload));
    await h.admin.query("SELECT pg_notify('chot_rules', '')");
    await until(() => rules.length === 1, 'the rules notice');
    expect(payloads).toHaveLength(2);
  });

  it('a watcher that never polls while listening hears an import from another connection', async () => {
    const h = await hub();
    const { notices } = await listener(h.url);
    const { watched, heard } = await watcher(h, notices, HOUR);
    expect(watched.current).toBe(0);
    await h.importPeople(2);
    await until(() => heard.length === 1, 'the pushed sequence');
    expect(heard).toEqual([{ seq: 1, change: 'advanced', listening: true }]);
  });

  it('while the listening session is lost the sequence is polled, and listening resumes by itself', async () => {
    const h = await hub();
    const role = await listenerRole(h.admin, h.url);
    const { notices, states, log } = await listener(role.url);
    const { heard } = await watcher(h, notices, 50);
    await role.cut();
    await until(() => states.includes(false), 'the lost session to be noticed');
    await h.importPeople(2);
    await until(() => heard.length === 1, 'the polled sequence');
    // Heard while nobody listened: only the poll can have brought it.
    expect(heard).toEqual([{ seq: 1, change: 'advanced', listening: false }]);
    await role.restore();
    await until(() => notices.listening, 'listening again');
    expect(states).toEqual([false, true]);
    // One warning for the outage, however many attempts it took, and one line when it ended.
    expect(log.records.filter((r) => r.level === 'warn' && /PostgreSQL notices: not listening/.test(r.message))).toHaveLength(1);
    expect(log.records.some((r) => /listening again/.test(r.message))).toBe(true);
    const { rows } = await h.admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [NOTICE_SESSION_NAME]);
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it('an import committed while nobody listened is read once listening resumes (its notice was lost)', async () => {
    const h = await hub();
    const role = await listenerRole(h.admin, h.url);
    const { notices, states } = await listener(role.url);
    // Polling an hour apart: only the read on resuming can bring the sequence.
    const { watched, heard } = await watcher(h, notices, HOUR);
    await role.cut();
    await until(() => states.includes(false), 'the lost session to be noticed');
    expect(await h.importPeople(2)).toBe(1);
    expect(watched.current).toBe(0);
    await role.restore();
    await until(() => heard.length === 1, 'the sequence read on resuming');
    expect(heard).toEqual([{ seq: 1, change: 'advanced', listening: true }]);
  });

  it('reads the sequence now and then while listening: a restore under the running hub moves it down without a notice', async () => {
    const h = await hub();
    const { notices } = await listener(h.url);
    const { heard } = await watcher(h, notices, 50, 200);
    await h.importPeople(2);
    await until(() => heard.length === 1, 'the pushed sequence');
    // As a restore does it: rows rewritten with the triggers off (pg_restore's COPY fires none either).
    await h.admin.query("SET session_replication_role = 'replica'");
    await h.admin.query('UPDATE feed SET seq = 0');
    await h.admin.query("SET session_replication_role = 'origin'");
    await until(() => heard.length === 2, 'the reconciling read');
    expect(heard.map(({ seq, change }) => [seq, change])).toEqual([
      [1, 'advanced'],
      [0, 'restored'],
    ]);
  });

  it('reads the sequence when a notice says less than it heard (set back by hand), rather than ignore it or believe it', async () => {
    const h = await hub();
    const { notices } = await listener(h.url);
    const { heard } = await watcher(h, notices, HOUR);
    await h.importPeople(2);
    await h.importPeople(2);
    await until(() => heard.length === 2, 'the pushed sequences');
    await h.admin.query('UPDATE feed SET seq = 1');
    await until(() => heard.length === 3, 'the read the low notice asked for');
    expect(heard.at(-1)).toMatchObject({ seq: 1, change: 'restored' });
  });

  it('finds a session that died without a word by its heartbeat', async () => {
    const h = await hub();
    const log = memoryLogger();
    const notices = await PgNoticeListener.start({ connectionString: h.url, log, heartbeatMs: 100, reconnect: { minMs: 20, maxMs: 100 } });
    closers.push(() => notices.close());
    const states: boolean[] = [];
    notices.onListening((listening) => states.push(listening));
    // SIGSTOP the session's server process: the socket stays open, nothing answers (a cut cable).
    const { rows } = await h.admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [NOTICE_SESSION_NAME]);
    const pid = rows[0]?.pid;
    expect(pid).toBeDefined();
    process.kill(pid as number, 'SIGSTOP');
    try {
      await until(() => states.includes(false), 'the heartbeat to give the session up');
      await until(() => notices.listening, 'a new session');
    } finally {
      process.kill(pid as number, 'SIGCONT');
    }
    expect(states).toEqual([false, true]);
  });
});
