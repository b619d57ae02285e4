// The machine's PostgreSQL for the cross-engine tests: where it listens, and whether it answers
// (the tests skip without a server; .ci/run starts it when it is installed but stopped).
import pg from 'pg';

export const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Whether a PostgreSQL server accepts a connection at `connectionString` within a second. */
export async function postgresAnswers(connectionString = POSTGRES_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
