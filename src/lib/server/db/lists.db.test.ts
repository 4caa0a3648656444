import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../tests/support/each-database';
import { APPROVAL_STATUSES } from '$lib/schemas/approvals';
import {
	LIMIT_ACTIONS,
	LIMIT_APPLIES_TO,
	LIMIT_METRICS,
	LIMIT_PERIODS,
	LIMIT_SETTERS
} from '$lib/schemas/limits';
import { AUTHORIZATION_STATUSES, DECISIONS, PURCHASE_KINDS } from '$lib/schemas/purchase';
import * as accounts from '../accounts';
import * as apiKeys from '../auth/api-keys';
import type { ApiKeySummary } from '../auth/api-keys';
import * as holds from '../ledger/holds';
import * as limits from '../policy/limits';

// Migrations may not import app code, so their CHECKs spell the lists out; this holds the
// two together: each CHECK accepts every value of its list, and nothing else.

describeEachDatabase('value lists and CHECKs', (ctx) => {
	const db = () => ctx.database.db;
	let limitId: string;
	let authorizationId: string;
	let approvalId: string;

	beforeAll(async () => {
		const account = await accounts.create(db(), {
			email: `lists-${process.pid}@example.com`,
			displayName: 'Lists',
			password: 'a long enough passphrase',
			timeZone: 'UTC',
			currency: 'USD'
		});
		const limit = await limits.add(
			db(),
			account.id,
			{
				appliesTo: 'recharge',
				metric: 'coins',
				period: 'purchase',
				amount: 1,
				currency: null,
				creatorId: null,
				action: 'approval'
			},
			{ role: 'self', accountId: account.id },
			0
		);
		limitId = limit.id;
		const { key } = await apiKeys.create(db(), 'lists');
		const flow = (await apiKeys.authenticate(db(), key)) as ApiKeySummary;
		const answer = await holds.authorize(ctx.database, flow, {
			idempotencyKey: 'lists',
			accountId: account.id,
			kind: 'recharge',
			coins: 5,
			price: { amount: 100, currency: 'USD' },
			channel: 'app'
		});
		authorizationId = answer.authorizationId;
		approvalId = answer.approvalId!;
	});

	type Column = [table: 'limits' | 'authorizations' | 'approval_requests', column: string];
	const lists: [Column, readonly string[]][] = [
		[['limits', 'set_by'], LIMIT_SETTERS],
		[['limits', 'applies_to'], LIMIT_APPLIES_TO],
		[['limits', 'metric'], LIMIT_METRICS],
		[['limits', 'period'], LIMIT_PERIODS],
		[['limits', 'action'], LIMIT_ACTIONS],
		[['authorizations', 'kind'], PURCHASE_KINDS],
		[['authorizations', 'status'], AUTHORIZATION_STATUSES],
		[['authorizations', 'decision'], DECISIONS],
		[['approval_requests', 'status'], APPROVAL_STATUSES]
	];

	for (const [[table, column], values] of lists) {
		it(`${table}.${column} accepts ${values.join(', ')} and nothing else`, async () => {
			const id = {
				limits: limitId,
				authorizations: authorizationId,
				approval_requests: approvalId
			}[table];
			const set = (value: string) =>
				db()
					.updateTable(table)
					.set({ [column]: value } as never)
					.where('id', '=', id)
					.execute();
			for (const value of values) await set(value);
			await expect(set('not_in_the_list')).rejects.toThrow(/check/i);
		});
	}
});
