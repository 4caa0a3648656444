import type { Kysely } from 'kysely';
import type { DB, LedgerKind } from '../db/schema';

export interface Transaction {
	id: string;
	kind: LedgerKind;
	coins: number;
	priceAmount: number | null;
	currency: string | null;
	creatorId: string | null;
	creatorHandle: string | null;
	creatorName: string | null;
	giftName: string | null;
	giftEmoji: string | null;
	channel: string;
	paymentMethod: string | null;
	occurredAt: number;
}

export interface Cursor {
	occurredAt: number;
	id: string;
}

function transactions(db: Kysely<DB>, accountId: string) {
	return db
		.selectFrom('ledger_entries as l')
		.leftJoin('creators as c', 'c.id', 'l.creator_id')
		.leftJoin('gifts as g', 'g.id', 'l.gift_id')
		.select([
			'l.id',
			'l.kind',
			'l.coins',
			'l.price_amount as priceAmount',
			'l.currency',
			'l.creator_id as creatorId',
			'c.handle as creatorHandle',
			'c.display_name as creatorName',
			'g.name as giftName',
			'g.emoji as giftEmoji',
			'l.channel',
			'l.payment_method as paymentMethod',
			'l.occurred_at as occurredAt'
		])
		.where('l.account_id', '=', accountId)
		.orderBy('l.occurred_at', 'desc')
		.orderBy('l.id', 'desc');
}

/** One page of an account's history, newest first, continuing after `before` (keyset paging). */
export async function page(
	db: Kysely<DB>,
	accountId: string,
	options: { limit: number; before?: Cursor | null }
): Promise<{ rows: Transaction[]; next: Cursor | null }> {
	let query = transactions(db, accountId).limit(options.limit + 1);
	const before = options.before;
	if (before) {
		query = query.where((eb) =>
			eb.or([
				eb('l.occurred_at', '<', before.occurredAt),
				eb.and([eb('l.occurred_at', '=', before.occurredAt), eb('l.id', '<', before.id)])
			])
		);
	}
	const rows = await query.execute();
	const more = rows.length > options.limit;
	if (more) rows.pop();
	const last = rows.at(-1);
	return { rows, next: more && last ? { occurredAt: last.occurredAt, id: last.id } : null };
}

export interface SpendingSummary {
	coinsBought: number;
	coinsGifted: number;
	paid: { currency: string; amount: number }[];
}

/** What an account bought and gave between two instants; money is kept per currency. */
export async function summary(
	db: Kysely<DB>,
	accountId: string,
	from: number,
	to: number
): Promise<SpendingSummary> {
	const rows = await db
		.selectFrom('ledger_entries')
		.select((eb) => [
			'kind',
			'currency',
			eb.fn.sum<number>('coins').as('coins'),
			eb.fn.sum<number>('price_amount').as('paid')
		])
		.where('account_id', '=', accountId)
		.where('occurred_at', '>=', from)
		.where('occurred_at', '<', to)
		.groupBy(['kind', 'currency'])
		.execute();
	const result: SpendingSummary = { coinsBought: 0, coinsGifted: 0, paid: [] };
	for (const row of rows) {
		if (row.kind === 'recharge') {
			result.coinsBought += Number(row.coins);
			if (row.currency) result.paid.push({ currency: row.currency, amount: Number(row.paid ?? 0) });
		} else {
			result.coinsGifted -= Number(row.coins);
		}
	}
	result.paid.sort((a, b) => b.amount - a.amount);
	return result;
}
