import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema';
import { withStatementCache } from './statement-cache';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
	db: Kysely<DB>;
	dialect: Dialect;
	close(): Promise<void>;
}

export const DEFAULT_SQLITE_PATH = 'data/coinguard.db';

export function isPostgresUrl(url: string): boolean {
	return /^postgres(ql)?:\/\//i.test(url);
}

// PostgreSQL sends bigint (20) and numeric (1700, what sum() of bigint returns) as strings.
// Every such value here is a count, coins, minor units or epoch millis: all far below 2^53.
pg.types.setTypeParser(20, Number);
pg.types.setTypeParser(1700, Number);

/** Opens the database that `url` names: PostgreSQL for postgres:// URLs, otherwise a SQLite file. */
export function openDatabase(
	url: string = process.env.DATABASE_URL || DEFAULT_SQLITE_PATH
): Database {
	if (isPostgresUrl(url)) {
		const pool = new pg.Pool({
			connectionString: url,
			max: Number(process.env.PG_POOL_SIZE) || 10
		});
		const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
		return { db, dialect: 'postgres', close: () => db.destroy() };
	}
	if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true });
	const sqlite = new SqliteDatabase(url);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	// WAL with synchronous=NORMAL is durable against process crashes (the case the tests
	// exercise); only a power cut can lose the last transactions.
	sqlite.pragma('synchronous = NORMAL');
	const db = new Kysely<DB>({
		dialect: new SqliteDialect({ database: withStatementCache(sqlite) })
	});
	return { db, dialect: 'sqlite', close: () => db.destroy() };
}
