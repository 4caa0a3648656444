import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/databases';
import { postgresUrl } from '../../../../tests/support/environment';
import * as apiKeys from '../auth/api-keys';
import { openDatabase, type Database } from '.';
import type { DB } from './schema';
import { template } from './template';
import { writeTransaction } from './transaction';

// On PostgreSQL a template's SQL is a named statement, prepared once per connection. A table
// that changes shape under it (a newer server's migration adding a column to a `select *`)
// must not break the connection: the statement is sent unprepared from then on, and a
// transaction it aborted runs again.
describe.skipIf(!postgresUrl)('prepared template statements [postgres]', () => {
	let test: TestDatabase;
	let database: Database;

	beforeAll(async () => {
		test = await createTestDatabase('postgres');
		database = await test.open();
	});
	afterAll(async () => {
		await test?.drop();
	});

	/** A second handle on the same database whose pool holds one connection. */
	async function withOneConnection<T>(
		work: (one: Database) => Promise<T>,
		env: Record<string, string> = {}
	): Promise<T> {
		const settings = { PG_POOL_SIZE: '1', ...env };
		const saved = Object.fromEntries(Object.keys(settings).map((k) => [k, process.env[k]]));
		Object.assign(process.env, settings);
		const one = openDatabase(test.url);
		try {
			return await work(one);
		} finally {
			for (const [k, v] of Object.entries(saved)) {
				if (v === undefined) delete process.env[k];
				else process.env[k] = v;
			}
			await one.close();
		}
	}

	const preparedOn = async (db: Kysely<DB>) =>
		(
			await sql<{
				name: string;
				statement: string;
			}>`select name, statement from pg_prepared_statements`.execute(db)
		).rows;

	const creatorsLike = template((db, args: { pattern: string }) =>
		db.selectFrom('creators').selectAll().where('id', 'like', args.pattern)
	);
	const keysNamed = template((db, args: { name: string }) =>
		db.selectFrom('api_keys').selectAll().where('name', '=', args.name)
	);

	it('prepares a template once on the connection and runs it by name after', async () => {
		await withOneConnection(async (one) => {
			await creatorsLike.execute(one.db, { pattern: 'none-%' });
			await creatorsLike.execute(one.db, { pattern: 'still-none-%' });
			const prepared = await preparedOn(one.db);
			const mine = prepared.filter((p) => p.statement.includes('from "creators"'));
			expect(mine).toHaveLength(1);
			expect(mine[0]!.name).toMatch(/^coinguard_\d+$/);
		});
	});

	it('prepares nothing with PG_PREPARED_STATEMENTS=off', async () => {
		await withOneConnection(
			async (one) => {
				await creatorsLike.execute(one.db, { pattern: 'none-%' });
				expect(await preparedOn(one.db)).toEqual([]);
			},
			{ PG_PREPARED_STATEMENTS: 'off' }
		);
	});

	it('runs a template whose table gained a column since it was prepared, in and out of a transaction', async () => {
		await withOneConnection(async (one) => {
			await database.db
				.insertInto('creators')
				.values({ id: 'c-stale', handle: null, display_name: 'Stale', first_seen_at: 0 })
				.execute();
			await apiKeys.create(database.db, 'stale');
			// Prepared on the one connection, in and out of a transaction.
			expect((await creatorsLike.execute(one.db, { pattern: 'c-stale' })).rows).toHaveLength(1);
			await writeTransaction(one, (trx) => keysNamed.execute(trx, { name: 'stale' }));

			// Another server's migration, from another connection.
			await sql`alter table creators add column stale_extra text`.execute(database.db);
			await sql`alter table api_keys add column stale_extra text`.execute(database.db);
			try {
				const outside = await creatorsLike.execute(one.db, { pattern: 'c-stale' });
				expect(outside.rows).toEqual([
					expect.objectContaining({ id: 'c-stale', stale_extra: null })
				]);
				let runs = 0;
				const inside = await writeTransaction(one, (trx) => {
					runs++;
					return keysNamed.execute(trx, { name: 'stale' });
				});
				expect(inside.rows).toEqual([
					expect.objectContaining({ name: 'stale', stale_extra: null })
				]);
				// The first run was aborted by the stale plan and ran again.
				expect(runs).toBe(2);
				// Both are prepared again, under names of their own, and run by them from now on.
				const again = (await preparedOn(one.db)).filter((p) => /^coinguard_\d+_\d+$/.test(p.name));
				expect(again.map((p) => p.statement).sort()).toEqual([
					expect.stringContaining('from "api_keys"'),
					expect.stringContaining('from "creators"')
				]);
			} finally {
				await sql`alter table creators drop column stale_extra`.execute(database.db);
				await sql`alter table api_keys drop column stale_extra`.execute(database.db);
			}
		});
	});
});
