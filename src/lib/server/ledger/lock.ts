import type { Kysely } from 'kysely';
import type { Database } from '../db';
import type { DB } from '../db/schema';
import type { Wallet } from '../policy/decide';

/**
 * Reads the account inside the lock that serializes everything that moves its holds and
 * totals: on PostgreSQL the account row (FOR UPDATE); SQLite's BEGIN IMMEDIATE already
 * serializes every writer. The family's approval wait comes along in the same read, so
 * deciding a purchase costs no extra query for it.
 */
export async function account(trx: Kysely<DB>, database: Database, accountId: string) {
	let query = trx
		.selectFrom('accounts')
		.leftJoin('family_members', 'family_members.account_id', 'accounts.id')
		.leftJoin('families', 'families.id', 'family_members.family_id')
		.select([
			'accounts.id',
			'accounts.time_zone',
			'accounts.is_minor',
			'accounts.coin_balance',
			'accounts.gift_coins_on_hold',
			'families.approval_ttl_seconds'
		])
		.where('accounts.id', '=', accountId);
	// Only the account row: PostgreSQL cannot lock the nullable side of an outer join.
	if (database.dialect === 'postgres') query = query.forUpdate('accounts');
	return query.executeTakeFirst();
}

export async function wallet(trx: Kysely<DB>, accountId: string): Promise<Wallet> {
	const row = await trx
		.selectFrom('accounts')
		.select(['coin_balance', 'gift_coins_on_hold'])
		.where('id', '=', accountId)
		.executeTakeFirstOrThrow();
	return { balance: row.coin_balance, onHold: row.gift_coins_on_hold };
}
