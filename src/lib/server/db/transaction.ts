import { sql, type Kysely } from 'kysely';
import type { Database } from '.';
import type { DB } from './schema';

/** Errors that mean "another writer got there first": the whole transaction is safe to rerun. */
function isRetryable(error: unknown): boolean {
	const code = (error as { code?: unknown } | null)?.code;
	return (
		code === 'SQLITE_BUSY' ||
		code === 'SQLITE_BUSY_SNAPSHOT' ||
		code === '40001' || // serialization_failure
		code === '40P01' || // deadlock_detected
		code === '23505' // unique_violation: a concurrent insert of the same key; the rerun sees it
	);
}

const MAX_ATTEMPTS = 8;

/**
 * Runs `work` in a transaction that holds the write lock from its first statement: BEGIN
 * IMMEDIATE on SQLite (so two processes never both read and then both write), a plain
 * transaction on PostgreSQL, where `work` locks the rows it depends on (SELECT … FOR UPDATE).
 * Lock conflicts and busy errors are retried here and never reach the caller.
 */
export async function writeTransaction<T>(
	database: Database,
	work: (trx: Kysely<DB>) => Promise<T>
): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await once(database, work);
		} catch (error) {
			if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
			const backoff = Math.random() * 5 * 2 ** Math.min(attempt, 6);
			await new Promise((resolve) => setTimeout(resolve, backoff));
		}
	}
}

function once<T>(database: Database, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
	if (database.dialect === 'postgres') return database.db.transaction().execute(work);
	// Kysely's SQLite driver hands out its one connection under a mutex; we own it here.
	return database.db.connection().execute(async (connection) => {
		await sql`begin immediate`.execute(connection);
		try {
			const result = await work(connection);
			await sql`commit`.execute(connection);
			return result;
		} catch (error) {
			await sql`rollback`.execute(connection).catch(() => undefined);
			throw error;
		}
	});
}
