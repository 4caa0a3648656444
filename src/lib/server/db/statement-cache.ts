import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

// Kysely's SQLite driver prepares every query afresh, and compiling SQL was the largest single
// cost of an authorization (0.38 ms of 2.2 ms, bench/RESULTS.md). The same few statements run
// over and over, so keep the prepared ones. Reuse is safe: better-sqlite3 runs a statement to
// completion synchronously (this app never streams, which would hold a statement open).
const CAPACITY = 500;

/** Kysely's view of the database, whose statements are better-sqlite3's own (for db/index.ts). */
export interface CachedStatements extends KyselySqliteDatabase {
	prepare(sql: string): SqliteDatabase.Statement;
}

export function withStatementCache(sqlite: SqliteDatabase.Database): CachedStatements {
	const statements = new Map<string, SqliteDatabase.Statement>();
	return {
		close: () => sqlite.close(),
		prepare(sql: string) {
			let statement = statements.get(sql);
			if (statement) {
				// Most recently used last, so the first key is the one to evict.
				statements.delete(sql);
			} else {
				statement = sqlite.prepare(sql);
				if (statements.size >= CAPACITY) statements.delete(statements.keys().next().value!);
			}
			statements.set(sql, statement);
			return statement;
		}
	};
}
