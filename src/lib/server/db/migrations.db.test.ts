import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../../../db/migrations';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/databases';
import { dialectNames } from '../../../../tests/support/environment';
import { openDatabase, type Database } from '.';
import type { DB } from './schema';

// The data migrations of issue 6 on a database that already holds data, up and down.
for (const dialect of dialectNames) {
	describe(`migrations 2026-11-22 [${dialect}]`, () => {
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
		const migrateTo = async (name: string) => {
			const { error } = await migrator.migrateTo(name);
			if (error) throw error;
		};

		it('backfills gifts on hold, makes personal keys read-only, and undoes both', async () => {
			await migrateTo('2026-11-21-002-authorizations');
			const account = {
				id: 'acct_old',
				email: 'old@example.com',
				password_hash: 'x',
				display_name: 'Old',
				time_zone: 'UTC',
				currency: 'USD',
				birth_year: null,
				created_at: 0
			};
			await db().insertInto('accounts').values(account).execute();
			const key = (id: string, account_id: string | null) => ({
				id,
				name: id,
				key_hash: id,
				key_prefix: 'cg_',
				scopes: 'purchase',
				created_at: 0,
				last_used_at: null,
				revoked_at: null,
				account_id
			});
			await db()
				.insertInto('api_keys')
				.values([key('key_operator', null), key('key_personal', account.id)])
				.execute();
			await db()
				.insertInto('creators')
				.values({ id: 'cr_x', handle: null, display_name: 'X', first_seen_at: 0 })
				.execute();
			const hold = (id: string, kind: 'gift' | 'recharge', coins: number, status: string) => ({
				id,
				account_id: account.id,
				api_key_id: 'key_operator',
				idempotency_key: id,
				fingerprint: id,
				kind,
				coins,
				price_amount: null,
				currency: null,
				creator_id: kind === 'gift' ? 'cr_x' : null,
				package_id: null,
				channel: 'app' as const,
				payment_method: null,
				status: status as 'held',
				decision: 'approved' as const,
				reasons: '[]',
				response: '{}',
				day_key: 'day:2026-11-21',
				week_key: 'week:2026-W47',
				month_key: 'month:2026-11',
				created_at: 0,
				expires_at: null,
				settled_at: null
			});
			await db()
				.insertInto('authorizations')
				.values([
					hold('a1', 'gift', 30, 'held'),
					hold('a2', 'gift', 20, 'pending_approval'),
					hold('a3', 'gift', 7, 'captured'),
					hold('a4', 'recharge', 500, 'held')
				])
				.execute();

			const { error } = await migrator.migrateToLatest();
			if (error) throw error;
			const row = await db()
				.selectFrom('accounts')
				.select('gift_coins_on_hold')
				.executeTakeFirstOrThrow();
			expect(row.gift_coins_on_hold).toBe(50);
			const scopes = async () =>
				Object.fromEntries(
					(await db().selectFrom('api_keys').select(['id', 'scopes']).execute()).map((k) => [
						k.id,
						k.scopes
					])
				);
			expect(await scopes()).toEqual({ key_operator: 'purchase', key_personal: 'read' });

			await migrateTo('2026-11-21-002-authorizations');
			expect(await scopes()).toEqual({ key_operator: 'purchase', key_personal: 'purchase' });
			const { error: again } = await migrator.migrateToLatest();
			if (again) throw again;
			expect(await scopes()).toEqual({ key_operator: 'purchase', key_personal: 'read' });
		});
	});
}
