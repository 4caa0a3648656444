import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { Dialect } from '.';
import type { DB } from './schema';

// The few statements an authorization runs are the same every time but for their values, and
// building each with Kysely (immutable nodes, then a compiler pass) cost as much as SQLite
// running it. A template builds its query once per dialect and shape, with placeholders where
// the values go, and from then on only fills them in.
//
// Only for queries whose SQL depends on nothing but the lengths of their lists: a builder that
// branches on a value (`if (x === null)`) would freeze the first branch it saw.

type Value = string | number | boolean | null;
export type TemplateArgs = Record<string, Value | readonly Value[]>;

/** Stands in for `args[name]` (or `args[name][index]`) while the query is compiled. */
class Slot {
	constructor(
		readonly name: string,
		readonly index: number | null
	) {}
}

interface Compiled {
	sql: string;
	/** For each parameter: a slot to fill from the arguments, or a constant of the query. */
	parameters: readonly unknown[];
}

const dialects = new WeakMap<Kysely<DB>, Dialect>();

/** Runs a compiled statement at once, on a connection the caller holds (SQLite's only one). */
export type HeldRun = (sql: string, parameters: readonly unknown[]) => QueryResult<unknown>;
const held = new WeakMap<Kysely<DB>, HeldRun>();

/**
 * Lets templates run on `db` (a transaction's handle, which holds SQLite's one connection) without
 * Kysely's executor: better-sqlite3 answers synchronously, and the layers of promises around each
 * statement cost more than the statement. Only for as long as the handle holds the connection:
 * the returned function unregisters it.
 */
export function holdConnection(db: Kysely<DB>, run: HeldRun): () => void {
	held.set(db, run);
	return () => held.delete(db);
}

/**
 * Runs a compiled read on SQLite's one connection at once when nothing holds it in a
 * transaction (autocommit reads see only committed rows), or answers undefined: the read then
 * waits its turn in Kysely's queue like any other query.
 */
export type IdleRead = (
	sql: string,
	parameters: readonly unknown[]
) => QueryResult<unknown> | undefined;
const idleReads = new WeakMap<Kysely<DB>, IdleRead>();

/**
 * Lets templates read on the database's own handle `db` without Kysely's executor while the
 * connection is free. The API key lookup before every purchase is such a read; through Kysely
 * it cost a connection-lock turn and a chain of promises, more than the lookup itself.
 */
export function readWhenIdle(db: Kysely<DB>, read: IdleRead): void {
	idleReads.set(db, read);
}

/**
 * PostgreSQL: the name of a prepared statement for each template's SQL. A statement sent
 * unnamed is parsed and planned anew on every call; prepared once per connection, it is only
 * bound and run. The names are given as templates compile, so only template SQL (a bounded
 * set: one per template and list shape) is ever prepared.
 */
const preparedNames = new Map<string, string>();

export function preparedName(sql: string): string | undefined {
	return preparedNames.get(sql);
}

/**
 * Tells templates which dialect `db` compiles for. The database's own handle and every
 * transaction opened by this module's callers are registered; on any other handle a template
 * builds its query as usual (correct, only slower).
 */
export function registerDialect(db: Kysely<DB>, dialect: Dialect): void {
	dialects.set(db, dialect);
}

export function dialectOf(db: Kysely<DB>): Dialect | undefined {
	return dialects.get(db);
}

function placeholders<A extends TemplateArgs>(args: A): A {
	const slots: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(args)) {
		slots[name] = Array.isArray(value)
			? value.map((_, index) => new Slot(name, index))
			: new Slot(name, null);
	}
	return slots as A;
}

function shapeOf(dialect: Dialect, args: TemplateArgs): string {
	let shape: string = dialect;
	for (const [name, value] of Object.entries(args)) {
		if (Array.isArray(value)) shape += `|${name}:${value.length}`;
	}
	return shape;
}

function fill(compiled: Compiled, args: TemplateArgs): unknown[] {
	return compiled.parameters.map((p) => {
		if (!(p instanceof Slot)) return p;
		const value = args[p.name];
		return p.index === null ? value : (value as readonly Value[])[p.index];
	});
}

export interface Template<A extends TemplateArgs, R> {
	/** Runs the query on `db`, compiled for `dialect` (by default the one `db` was registered with). */
	execute(db: Kysely<DB>, args: A, dialect?: Dialect): Promise<QueryResult<R>>;
	/** The statement as it runs, for tests: its SQL and parameters. */
	compile(db: Kysely<DB>, dialect: Dialect, args: A): CompiledQuery<R>;
}

/**
 * `build` makes the query from its arguments; it is told the dialect when known (a query that
 * differs by dialect, such as one locking rows on PostgreSQL, must be run with it).
 */
export function template<A extends TemplateArgs, R>(
	build: (db: Kysely<DB>, args: A, dialect: Dialect | undefined) => Compilable<R>
): Template<A, R> {
	const cache = new Map<string, Compiled>();
	const compile = (db: Kysely<DB>, dialect: Dialect, args: A): CompiledQuery<R> => {
		const shape = shapeOf(dialect, args);
		let compiled = cache.get(shape);
		if (compiled === undefined) {
			const built = build(db, placeholders(args), dialect).compile();
			compiled = { sql: built.sql, parameters: built.parameters };
			cache.set(shape, compiled);
			if (dialect === 'postgres' && !preparedNames.has(built.sql)) {
				preparedNames.set(built.sql, `coinguard_${preparedNames.size + 1}`);
			}
		}
		return CompiledQuery.raw(compiled.sql, fill(compiled, args)) as CompiledQuery<R>;
	};
	return {
		compile,
		async execute(db, args, dialect = dialects.get(db)) {
			const query = dialect ? compile(db, dialect, args) : build(db, args, undefined).compile();
			if (dialect === 'sqlite') {
				const run = held.get(db);
				if (run) return run(query.sql, query.parameters) as QueryResult<R>;
				const read = idleReads.get(db)?.(query.sql, query.parameters);
				if (read) return read as QueryResult<R>;
			}
			return db.executeQuery(query);
		}
	};
}
