import type { Kysely } from 'kysely';
import type { CoinPack, Creator, DB, Gift } from '../db/schema';

/** The coin packs on sale in one currency, smallest first. */
export function packs(db: Kysely<DB>, currency: string): Promise<CoinPack[]> {
	return db
		.selectFrom('coin_packs')
		.selectAll()
		.where('currency', '=', currency)
		.orderBy('coins')
		.execute();
}

export function pack(db: Kysely<DB>, id: string, currency: string): Promise<CoinPack | undefined> {
	return db
		.selectFrom('coin_packs')
		.selectAll()
		.where('id', '=', id)
		.where('currency', '=', currency)
		.executeTakeFirst();
}

/** Every gift, cheapest first. */
export function gifts(db: Kysely<DB>): Promise<Gift[]> {
	return db.selectFrom('gifts').selectAll().orderBy('coins').orderBy('name').execute();
}

export function gift(db: Kysely<DB>, id: string): Promise<Gift | undefined> {
	return db.selectFrom('gifts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** `@name` and `name` both find the creator whose handle is `name`, in any case. */
export function creatorByHandle(db: Kysely<DB>, handle: string): Promise<Creator | undefined> {
	const bare = handle.trim().replace(/^@/, '').toLowerCase();
	if (!bare || bare.length > 255) return Promise.resolve(undefined);
	return db
		.selectFrom('creators')
		.selectAll()
		.where((eb) => eb(eb.fn('lower', ['handle']), '=', bare))
		.executeTakeFirst();
}

export async function creatorsByIds(db: Kysely<DB>, ids: readonly string[]): Promise<Creator[]> {
	if (ids.length === 0) return [];
	return db
		.selectFrom('creators')
		.selectAll()
		.where('id', 'in', [...ids])
		.execute();
}

export async function balance(db: Kysely<DB>, accountId: string): Promise<number> {
	const row = await db
		.selectFrom('accounts')
		.select('coin_balance')
		.where('id', '=', accountId)
		.executeTakeFirst();
	return Number(row?.coin_balance ?? 0);
}

/** Coins an account gave one creator between two instants (`to` excluded). */
export async function givenTo(
	db: Kysely<DB>,
	accountId: string,
	creatorId: string,
	from: number,
	to: number
): Promise<number> {
	const row = await db
		.selectFrom('ledger_entries')
		.select((eb) => eb.fn.sum<number>('coins').as('coins'))
		.where('account_id', '=', accountId)
		.where('creator_id', '=', creatorId)
		.where('kind', '=', 'gift')
		.where('occurred_at', '>=', from)
		.where('occurred_at', '<', to)
		.executeTakeFirst();
	// Gifts are stored as negative coins.
	return 0 - Number(row?.coins ?? 0); // not -x: -0 would print as "-0"
}
