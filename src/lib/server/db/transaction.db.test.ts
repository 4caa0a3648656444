import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/databases';
import { postgresUrl } from '../../../../tests/support/environment';
import type { Database } from '.';
import type { DB } from './schema';
import { writeTransaction } from './transaction';
import * as unavailable from './unavailable';

// A transaction whose PostgreSQL connection dies: before COMMIT it is rerun on a new
// connection (the server rolled the first run back), after COMMIT was sent it is not (the
// outcome is unknown). The connection is killed for real: the backend terminates itself,
// in the middle of the work or, through a deferred trigger, inside COMMIT.
describe.skipIf(!postgresUrl)('writeTransaction on a lost connection [postgres]', () => {
	let test: TestDatabase;
	let database: Database;

	beforeAll(async () => {
		test = await createTestDatabase('postgres');
		database = await test.open();
		await sql`create table fault_rows (run integer not null, doomed boolean not null)`.execute(
			database.db
		);
		// A row marked doomed ends its own backend when its transaction commits.
		await sql`create function end_own_backend() returns trigger language plpgsql as $$
			begin perform pg_terminate_backend(pg_backend_pid()); return null; end $$`.execute(database.db);
		await sql`create constraint trigger end_at_commit after insert on fault_rows
			deferrable initially deferred for each row when (new.doomed)
			execute function end_own_backend()`.execute(database.db);
	});
	afterAll(async () => {
		await test?.drop();
	});

	const endOwnBackend = (trx: Kysely<DB>) =>
		sql`select pg_terminate_backend(pg_backend_pid())`.execute(trx);

	async function rowsOf(runs: number[]) {
		const { rows } = await sql<{ run: number }>`
			select run from fault_rows where run = any(${runs}) order by run`.execute(database.db);
		return rows.map((r) => r.run);
	}

	it('reruns a transaction whose connection died before COMMIT, leaving one run', async () => {
		let runs = 0;
		const result = await writeTransaction(database, async (trx) => {
			runs++;
			await sql`insert into fault_rows values (${100 + runs}, false)`.execute(trx);
			if (runs === 1) await endOwnBackend(trx);
			return runs;
		});
		expect(result).toBe(2);
		expect(await rowsOf([101, 102])).toEqual([102]);
	});

	it('gives up after a few lost connections, with nothing written', async () => {
		let runs = 0;
		const error = await writeTransaction(database, async (trx) => {
			runs++;
			await sql`insert into fault_rows values (${200 + runs}, false)`.execute(trx);
			await endOwnBackend(trx);
		}).catch((e: unknown) => e);
		expect(unavailable.isUnavailable(error)).toBe(true);
		expect(unavailable.messageFor(error)).toBe(unavailable.MESSAGE);
		expect(runs).toBe(3);
		expect(await rowsOf([201, 202, 203])).toEqual([]);
	});

	it('never reruns a transaction whose connection died after COMMIT was sent', async () => {
		let runs = 0;
		const error = await writeTransaction(database, async (trx) => {
			runs++;
			await sql`insert into fault_rows values (300, true)`.execute(trx);
		}).catch((e: unknown) => e);
		expect(runs).toBe(1);
		expect(error).toBeInstanceOf(unavailable.CommitOutcomeUnknownError);
		expect(unavailable.messageFor(error)).toBe(unavailable.OUTCOME_UNKNOWN_MESSAGE);
		// The pool carries on with a new connection.
		expect(await writeTransaction(database, async () => 'ok')).toBe('ok');
	});
});
