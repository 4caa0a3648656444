import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema';
import { withStatementCache } from './statement-cache';
import { preparedName, readWhenIdle, registerDialect, type HeldRun } from './template';
import * as unavailable from './unavailable';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
	db: Kysely<DB>;
	dialect: Dialect;
	close(): Promise<void>;
	/** SQLite: runs a statement on the one connection, for a caller that holds it (db/template.ts). */
	runHeld?: HeldRun;
}

export const DEFAULT_SQLITE_PATH = 'data/coinguard.db';
const CONNECT_TIMEOUT_MS = 10_000;

/** The database the environment names: DATABASE_URL, or the default SQLite file. */
export function configuredUrl(): string {
	return process.env.DATABASE_URL || DEFAULT_SQLITE_PATH;
}

export function isPostgresUrl(url: string): boolean {
	return /^postgres(ql)?:\/\//i.test(url);
}

// PostgreSQL sends bigint (20) and numeric (1700, what sum() of bigint returns) as strings.
// Every such value here is a count, coins, minor units or epoch millis: all far below 2^53.
pg.types.setTypeParser(20, Number);
pg.types.setTypeParser(1700, Number);

/** Opens the database that `url` names: PostgreSQL for postgres:// URLs, otherwise a SQLite file. */
export function openDatabase(url: string = configuredUrl()): Database {
	if (isPostgresUrl(url)) {
		const pool = new pg.Pool({
			connectionString: url,
			max: Number(process.env.PG_POOL_SIZE) || 10,
			// A server that does not answer (or a pool that stays full) fails the request with a
			// 503 after this long instead of holding it forever.
			connectionTimeoutMillis: CONNECT_TIMEOUT_MS
		});
		// An idle client whose connection dies (pg_terminate_backend, a server restart) is
		// reported here, after the pool has dropped it; unheard, Node would treat it as an
		// unhandled 'error' event and end the process. The next checkout opens a new connection.
		pool.on('error', (error) =>
			console.error(`database connection lost: ${unavailable.reasonOf(error)}`)
		);
		// pg-pool listens to a client only while it is idle. A checked-out client that loses its
		// connection between two queries emits 'error' on itself; its next query then fails with
		// the error, which the request answers, and the pool drops it on release.
		pool.on('connect', (client) => {
			client.on('error', () => undefined);
			prepareTemplates(client);
		});
		const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
		registerDialect(db, 'postgres');
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
	// A checkpoint (copying the log back into the database file, with two fsyncs) ran every
	// 1,000 logged pages by default: every ~80 authorizations, a sixth of their cost. Every
	// 10,000 pages (a log of up to 40 MB, cut back to 64 MB at most) copies each hot page once
	// where it copied it ten times. bench/ANALYSIS.md has the figures.
	sqlite.pragma('wal_autocheckpoint = 10000');
	sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
	const statements = withStatementCache(sqlite);
	const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: statements }) });
	registerDialect(db, 'sqlite');
	// What Kysely's SQLite connection does with a compiled query, without its promises.
	const runHeld: HeldRun = (sql, parameters) => {
		const statement = statements.prepare(sql);
		if (statement.reader) return { rows: statement.all(parameters) };
		const { changes, lastInsertRowid } = statement.run(parameters);
		return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
	};
	// Outside a transaction a read sees only committed rows, so it need not queue for the
	// connection; inside one (someone's BEGIN is open on it) it must, or it would see their
	// uncommitted writes. better-sqlite3 is synchronous: nothing can begin in between.
	readWhenIdle(db, (sql, parameters) => {
		if (sqlite.inTransaction) return undefined;
		const statement = statements.prepare(sql);
		// `reader` alone is true of INSERT … RETURNING too: only what cannot write skips the queue.
		return statement.reader && statement.readonly ? { rows: statement.all(parameters) } : undefined;
	});
	return { db, dialect: 'sqlite', close: () => db.destroy(), runHeld };
}

/**
 * Sends template SQL (db/template.ts) as named statements on this connection: PostgreSQL
 * parses and plans each once per connection instead of on every call (bench/ANALYSIS.md has
 * the figures). Kysely calls `client.query(sql, parameters)`; anything else passes through
 * untouched. PG_PREPARED_STATEMENTS=off sends every statement unnamed, for a pooler in
 * transaction mode that cannot keep them (PgBouncer before 1.21, or without
 * max_prepared_statements).
 */
function prepareTemplates(client: pg.PoolClient): void {
	if (process.env.PG_PREPARED_STATEMENTS === 'off') return;
	const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
	// SQL whose prepared statement went stale on this connection, and how many times: it is
	// prepared again under a name of its own (the old name stays taken on the connection).
	const renamed = new Map<string, number>();
	const nameOf = (text: string) => {
		const name = preparedName(text);
		const times = renamed.get(text);
		return name && times ? `${name}_${times}` : name;
	};
	client.query = ((...args: unknown[]) => {
		const [text, values] = args;
		const name = args.length === 2 && typeof text === 'string' ? nameOf(text) : undefined;
		if (!name) return query(...args);
		return query({ name, text, values }).catch((error: unknown) => {
			if (!unavailable.isStalePlan(error)) throw error;
			// A table changed under the statement (a newer server's migration): prepare it anew.
			// Inside a transaction that fails too (the refusal aborted it), and the refusal goes
			// up for writeTransaction to run the whole transaction again.
			const sql = text as string;
			renamed.set(sql, (renamed.get(sql) ?? 0) + 1);
			return query({ name: nameOf(sql), text, values }).catch((again: unknown) => {
				throw unavailable.isInFailedTransaction(again) ? error : again;
			});
		});
	}) as typeof client.query;
}
