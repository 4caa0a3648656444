import { sql, type Kysely } from 'kysely';
import type { Database } from '.';
import type { DB } from './schema';
import { dialectOf, holdConnection, registerDialect } from './template';
import { CommitOutcomeUnknownError, isConnectionLost, isStalePlan } from './unavailable';

/** Runs `work` in the caller's transaction when there is one, else in a new one. */
export function inTransaction<T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>) {
	if (db.isTransaction) return work(db);
	const dialect = dialectOf(db);
	return db.transaction().execute((trx) => {
		if (dialect) registerDialect(trx, dialect);
		return work(trx);
	});
}

/** Errors that mean "another writer got there first": the whole transaction is safe to rerun. */
function isRetryable(error: unknown): boolean {
	const code = (error as { code?: unknown } | null)?.code;
	return (
		code === 'SQLITE_BUSY' ||
		code === 'SQLITE_BUSY_SNAPSHOT' ||
		code === '40001' || // serialization_failure
		code === '40P01' || // deadlock_detected
		code === '23505' || // unique_violation: a concurrent insert of the same key; the rerun sees it
		isStalePlan(error) // a prepared statement outlived its table's shape; the rerun sends it anew
	);
}

const MAX_ATTEMPTS = 8;
/** Reruns after a lost connection: enough for a pool whose connections were all cut at once. */
const MAX_RECONNECTS = 2;

/**
 * Runs `work` in a transaction that holds the write lock from its first statement: BEGIN
 * IMMEDIATE on SQLite (so two processes never both read and then both write), a plain
 * transaction on PostgreSQL, where `work` locks the rows it depends on (SELECT … FOR UPDATE).
 * Lock conflicts and busy errors are retried here and never reach the caller.
 *
 * A PostgreSQL connection that dies before COMMIT is sent is retried on a new one too: the
 * server rolled its transaction back, so nothing of the first run remains (`work` already has
 * to be safe to rerun, for the conflicts above). One that dies after COMMIT was sent leaves the
 * outcome unknown: that is never rerun here, but thrown as a CommitOutcomeUnknownError.
 */
export async function writeTransaction<T>(
	database: Database,
	work: (trx: Kysely<DB>) => Promise<T>
): Promise<T> {
	let reconnects = 0;
	for (let attempt = 1; ; attempt++) {
		try {
			return await once(database, work);
		} catch (error) {
			if (attempt >= MAX_ATTEMPTS) throw error;
			if (database.dialect === 'postgres' && isConnectionLost(error)) {
				if (error instanceof CommitOutcomeUnknownError || ++reconnects > MAX_RECONNECTS) {
					throw error;
				}
				continue; // a fresh connection from the pool; nothing to wait for
			}
			if (!isRetryable(error)) throw error;
			const backoff = Math.random() * 5 * 2 ** Math.min(attempt, 6);
			await new Promise((resolve) => setTimeout(resolve, backoff));
		}
	}
}

/** Work to run once a writeTransaction has committed, by the connection it runs on. */
const committed = new WeakMap<Kysely<DB>, (() => void)[]>();

/**
 * Runs `then` after the transaction `trx` commits, and never when it rolls back (a rerun
 * registers its own). Outside a transaction the write is already done: `then` runs at once.
 * In a transaction this module did not open, `then` is dropped: callers use it for what is
 * only quicker, never for what must happen (the live stream also reads the database).
 */
export function afterCommit(trx: Kysely<DB>, then: () => void): void {
	const queue = committed.get(trx);
	if (queue) queue.push(then);
	else if (!trx.isTransaction) then();
}

function runCommitted(queue: (() => void)[]): void {
	for (const then of queue) {
		try {
			then();
		} catch (error) {
			console.error('after-commit work failed:', error);
		}
	}
}

function once<T>(database: Database, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
	// Both drivers hand out a connection of our own here (SQLite's one under a mutex, a pooled
	// one on PostgreSQL), so the transaction's statements, and where it stands, are in view.
	return database.db.connection().execute(async (connection) => {
		registerDialect(connection, database.dialect);
		// Held until this callback ends: Kysely's connection lock keeps everyone else out meanwhile.
		const release = database.runHeld ? holdConnection(connection, database.runHeld) : undefined;
		const control = async (statement: string) => {
			if (database.runHeld) database.runHeld(statement, []);
			else await sql.raw(statement).execute(connection);
		};
		let commitSent = false;
		const queue: (() => void)[] = [];
		committed.set(connection, queue);
		try {
			await control(database.dialect === 'sqlite' ? 'begin immediate' : 'begin');
			const result = await work(connection);
			commitSent = true;
			await control('commit');
			committed.delete(connection);
			runCommitted(queue);
			return result;
		} catch (error) {
			committed.delete(connection);
			if (commitSent && database.dialect === 'postgres' && isConnectionLost(error)) {
				throw new CommitOutcomeUnknownError(error);
			}
			await control('rollback').catch(() => undefined);
			throw error;
		} finally {
			release?.();
		}
	});
}
