import type pg from 'pg';

/**
 * Runs `work` in one transaction on a pooled client (`begin`: the BEGIN statement, with its
 * isolation level), commits, and rolls back on any error. A ROLLBACK that fails means a
 * broken connection: the client is dropped from the pool, and the first error is reported.
 */
export async function inPgTransaction<T>(pool: pg.Pool, begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(begin);
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    }
  } finally {
    client.release(broken);
  }
}
