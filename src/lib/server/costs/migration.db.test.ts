import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../../../db/migrations';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/databases';
import { dialectNames } from '../../../../tests/support/environment';
import { openDatabase, type Database } from '../db';
import type { DB } from '../db/schema';
import * as creatorReports from '../reports/creators';
import * as costs from '.';

// The gift-costs migration on a database that already holds history: its backfill equals a
// replay by the app's own code.
for (const dialect of dialectNames) {
	describe(`migration 2026-11-26-005-gift-costs [${dialect}]`, () => {
		let test: TestDatabase;
		let database: Database;
		let migrator: Migrator;
		beforeAll(async () => {
			test = await createTestDatabase(dialect);
			database = openDatabase(test.url);
			const schema =
				dialect === 'postgres'
					? (await sql<{ s: string }>`select current_schema() as s`.execute(database.db)).rows[0]!.s
					: undefined;
			migrator = new Migrator({
				db: database.db,
				provider: { getMigrations: async () => migrations },
				migrationTableSchema: schema
			});
		});
		afterAll(async () => {
			await database?.close();
			await test?.drop();
		});
		const db = () => database.db as unknown as Kysely<DB>;

		const summaries = async () => ({
			lots: await db().selectFrom('coin_lots').selectAll().orderBy('entry_id').execute(),
			gifts: await db()
				.selectFrom('gift_costs')
				.selectAll()
				.orderBy('entry_id')
				.orderBy('currency')
				.execute(),
			spend: await db()
				.selectFrom('creator_spend')
				.selectAll()
				.orderBy('period_key')
				.orderBy('creator_id')
				.execute(),
			costs: await db()
				.selectFrom('creator_costs')
				.selectAll()
				.orderBy('period_key')
				.orderBy('creator_id')
				.orderBy('currency')
				.execute()
		});

		it('backfills lots, gift costs and creator summaries from the existing ledger', async () => {
			const { error } = await migrator.migrateTo('2026-11-26-003-reauth');
			if (error) throw error;
			await db()
				.insertInto('accounts')
				.values({
					id: 'acct_old',
					email: 'old@example.com',
					password_hash: 'x',
					display_name: 'Old',
					time_zone: 'America/New_York',
					currency: 'USD',
					birth_year: null,
					created_at: 0
				})
				.execute();
			await db()
				.insertInto('creators')
				.values({
					id: 'c-ada',
					handle: 'ada',
					display_name: 'Ada',
					first_seen_at: 0,
					created_by_api_key_id: null
				})
				.execute();
			const entry = (
				id: string,
				kind: 'recharge' | 'gift',
				coins: number,
				iso: string,
				price: [number, string] | null = null
			) => ({
				id,
				account_id: 'acct_old',
				kind,
				coins,
				price_amount: price?.[0] ?? null,
				currency: price?.[1] ?? null,
				creator_id: kind === 'gift' ? 'c-ada' : null,
				gift_id: null,
				pack_id: null,
				channel: 'app' as const,
				payment_method: null,
				authorization_id: null,
				occurred_at: Date.parse(iso)
			});
			await db()
				.insertInto('ledger_entries')
				.values([
					entry('led_1', 'recharge', 100, '2026-10-01T12:00:00Z', [100, 'USD']),
					entry('led_2', 'recharge', 50, '2026-10-02T12:00:00Z', [200, 'EUR']),
					// 23:30 in New York on 31 October: October's.
					entry('led_3', 'gift', -120, '2026-11-01T03:30:00Z'),
					entry('led_4', 'gift', -40, '2026-11-05T12:00:00Z')
				])
				.execute();

			const { error: up } = await migrator.migrateTo('2026-11-26-005-gift-costs');
			if (up) throw up;
			const backfilled = await summaries();
			expect(
				backfilled.gifts.map((g) => [g.entry_id, g.currency, Number(g.coins), Number(g.amount)])
			).toEqual([
				['led_3', 'EUR', 20, 80],
				['led_3', 'USD', 100, 100],
				['led_4', 'EUR', 30, 120],
				['led_4', 'XXX', 10, 0]
			]);
			const october = await creatorReports.between(db(), 'acct_old', '2026-10-01', '2026-11-01');
			expect(october).toEqual([
				expect.objectContaining({
					creatorId: 'c-ada',
					coins: 120,
					cost: [
						{ amount: 80, currency: 'EUR' },
						{ amount: 100, currency: 'USD' }
					]
				})
			]);
			await db()
				.transaction()
				.execute((trx) => costs.rebuild(trx, 'acct_old'));
			expect(await summaries()).toEqual(backfilled);

			const { error: down } = await migrator.migrateTo('2026-11-26-003-reauth');
			if (down) throw down;
			const { error: again } = await migrator.migrateToLatest();
			if (again) throw again;
		});
	});
}
