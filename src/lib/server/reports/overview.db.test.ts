import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import { recordAuthorizations } from '../../../../tests/support/ledger';
import * as accounts from '../accounts';
import * as apiKeys from '../auth/api-keys';
import type { AuthorizationStatus } from '../db/schema';
import { unsettledQuery } from './overview';

// The Overview's newest declined and waiting purchases come from a partial index that holds
// only those rows (db/migrations/2026-11-27-002-unsettled-index.ts): the query must still find
// them, newest first, and must be one the index serves on both databases.

const T = Date.parse('2026-11-20T12:00:00Z');

describeEachDatabase('overview: declined and waiting purchases', (ctx) => {
	let account = '';
	const db = () => ctx.database.db;

	beforeAll(async () => {
		account = (
			await accounts.create(db(), {
				email: 'overview-unsettled@example.com',
				displayName: 'Overview',
				password: 'a passphrase that is long',
				timeZone: 'UTC',
				currency: 'USD'
			})
		).id;
		const flow = await apiKeys.create(db(), 'flow');
		const keyId = (await apiKeys.authenticate(db(), flow.key))!.id;
		const statuses: AuthorizationStatus[] = [
			'held',
			'declined',
			'captured',
			'pending_approval',
			'declined',
			'expired',
			'held'
		];
		await recordAuthorizations(
			db(),
			account,
			keyId,
			statuses.map((status, i) => ({
				id: `auth_unsettled_${i}`,
				status,
				kind: 'gift',
				coins: 10 + i,
				at: T + i * 1000
			}))
		);
	});

	it('lists the declined ones, newest first, and the waiting one; never the others', async () => {
		const declined = await unsettledQuery(db(), account, 'declined').execute();
		expect(declined.map((r) => r.id)).toEqual(['auth_unsettled_4', 'auth_unsettled_1']);
		const waiting = await unsettledQuery(db(), account, 'pending_approval').execute();
		expect(waiting.map((r) => r.id)).toEqual(['auth_unsettled_3']);
	});

	it('is served by the partial index, not by reading the account’s authorizations', async () => {
		const query = unsettledQuery(db(), account, 'declined').compile();
		let plan: string;
		if (ctx.database.dialect === 'sqlite') {
			const explained = await db().executeQuery<{ detail: string }>({
				...query,
				sql: `explain query plan ${query.sql}`
			});
			plan = explained.rows.map((r) => r.detail).join('\n');
		} else {
			// A tiny table is read whole whatever the indexes: ask which index the planner would use.
			plan = await db()
				.transaction()
				.execute(async (trx) => {
					await sql`set local enable_seqscan = off`.execute(trx);
					const explained = await trx.executeQuery<{ 'QUERY PLAN': string }>({
						...query,
						sql: `explain ${query.sql}`
					});
					return explained.rows.map((r) => r['QUERY PLAN']).join('\n');
				});
		}
		expect(plan).toContain('authorizations_account_unsettled_time');
		// And the index is the partial one: it holds only declined and waiting rows.
		const definition =
			ctx.database.dialect === 'sqlite'
				? await sql<{
						sql: string;
					}>`select sql from sqlite_master where name = 'authorizations_account_unsettled_time'`.execute(
						db()
					)
				: await sql<{
						sql: string;
					}>`select indexdef as sql from pg_indexes where indexname = 'authorizations_account_unsettled_time'`.execute(
						db()
					);
		expect(definition.rows[0]?.sql).toMatch(/where.*declined.*pending_approval/i);
	});
});
