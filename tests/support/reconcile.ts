import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { DB } from '../../src/lib/server/db/schema';
import * as totals from '../../src/lib/server/ledger/totals';

/**
 * Whatever happened to the server (a crash, a lost database connection), what it committed
 * adds up: stored totals equal totals recomputed from the holds and the ledger, the coin
 * balance is the ledger's sum, and there is one ledger entry per captured authorization.
 */
export async function expectLedgerConsistent(db: Kysely<DB>, accountIds: string[]): Promise<void> {
	for (const accountId of accountIds) {
		expect(await totals.stored(db, accountId), `totals of ${accountId}`).toEqual(
			await totals.recompute(db, accountId)
		);
		const account = await db
			.selectFrom('accounts')
			.select('coin_balance')
			.where('id', '=', accountId)
			.executeTakeFirstOrThrow();
		const entries = await db
			.selectFrom('ledger_entries')
			.select(['authorization_id', 'coins'])
			.where('account_id', '=', accountId)
			.execute();
		const ledgerSum = entries.reduce((sum, e) => sum + Number(e.coins), 0);
		expect(Number(account.coin_balance), `coin_balance of ${accountId}`).toBe(ledgerSum);
		const captured = await db
			.selectFrom('authorizations')
			.select('id')
			.where('account_id', '=', accountId)
			.where('status', '=', 'captured')
			.execute();
		expect(entries.map((e) => e.authorization_id).sort()).toEqual(captured.map((c) => c.id).sort());
	}
}
