import type { Insertable, Kysely } from 'kysely';
import type { DB, PurchaseKind } from '../db/schema';
import { periodKey, windowsAt } from '../policy/decide';
import { addPart, consume, lotOf, NO_CURRENCY, take, type CostPart, type Lot } from './fifo';

// Real-money cost of gifts, kept current in the ledger's transaction: a captured recharge
// becomes a lot, a captured gift consumes lots oldest first (fifo.ts) and its cost is added
// to per-creator summaries by day and month key, which pages and reports read.

export { NO_CURRENCY };

export interface Entry {
	id: string;
	account_id: string;
	kind: PurchaseKind;
	/** Unsigned. */
	coins: number;
	price_amount: number | null;
	currency: string | null;
	creator_id: string | null;
	occurred_at: number;
}

export interface Keys {
	day_key: string;
	month_key: string;
}

const LOT_BATCH = 32;

/** A captured ledger entry's part: call it in the capture's transaction, under the account's lock. */
export async function record(trx: Kysely<DB>, entry: Entry, keys: Keys): Promise<void> {
	if (entry.kind === 'recharge') {
		const lot = lotOf(entry.coins, entry.price_amount, entry.currency);
		await trx
			.insertInto('coin_lots')
			.values({
				entry_id: entry.id,
				account_id: entry.account_id,
				occurred_at: entry.occurred_at,
				coins: lot.coins,
				coins_left: lot.coinsLeft,
				price_amount: lot.priceAmount,
				currency: lot.currency
			})
			.execute();
		return;
	}
	const parts: CostPart[] = [];
	let wanted = entry.coins;
	while (wanted > 0) {
		// Lots this loop empties drop out of the next read; a lot it leaves coins in ends it.
		const rows = await trx
			.selectFrom('coin_lots')
			.select(['entry_id', 'coins', 'coins_left', 'price_amount', 'currency'])
			.where('account_id', '=', entry.account_id)
			.where('coins_left', '>', 0)
			.orderBy('occurred_at')
			.orderBy('entry_id')
			.limit(LOT_BATCH)
			.execute();
		if (rows.length === 0) break;
		const lots = rows.map((r) => ({
			id: r.entry_id,
			coins: r.coins,
			coinsLeft: r.coins_left,
			priceAmount: Number(r.price_amount),
			currency: r.currency
		}));
		const taken = take(lots, wanted);
		for (const [i, lot] of lots.entries()) {
			if (lot.coinsLeft === rows[i]!.coins_left) continue;
			await trx
				.updateTable('coin_lots')
				.set({ coins_left: lot.coinsLeft })
				.where('entry_id', '=', lot.id)
				.execute();
		}
		for (const part of taken.parts) addPart(parts, part);
		wanted = taken.left;
	}
	if (wanted > 0) addPart(parts, { currency: NO_CURRENCY, coins: wanted, amount: 0 });
	await writeGift(trx, entry, keys, parts);
}

async function writeGift(trx: Kysely<DB>, entry: Entry, keys: Keys, parts: CostPart[]) {
	if (parts.length) {
		await trx
			.insertInto('gift_costs')
			.values(parts.map((p) => ({ entry_id: entry.id, ...p })))
			.execute();
	}
	const creatorId = entry.creator_id ?? '';
	const periodKeys = [keys.day_key, keys.month_key];
	await trx
		.insertInto('creator_spend')
		.values(
			periodKeys.map((period_key) => ({
				account_id: entry.account_id,
				period_key,
				creator_id: creatorId,
				coins: entry.coins,
				gifts: 1
			}))
		)
		.onConflict((oc) =>
			oc.columns(['account_id', 'period_key', 'creator_id']).doUpdateSet((eb) => ({
				coins: eb('creator_spend.coins', '+', eb.ref('excluded.coins')),
				gifts: eb('creator_spend.gifts', '+', eb.ref('excluded.gifts'))
			}))
		)
		.execute();
	if (!parts.length) return;
	await trx
		.insertInto('creator_costs')
		.values(
			periodKeys.flatMap((period_key) =>
				parts.map((p) => ({
					account_id: entry.account_id,
					period_key,
					creator_id: creatorId,
					currency: p.currency,
					coins: p.coins,
					amount: p.amount
				}))
			)
		)
		.onConflict((oc) =>
			oc.columns(['account_id', 'period_key', 'creator_id', 'currency']).doUpdateSet((eb) => ({
				coins: eb('creator_costs.coins', '+', eb.ref('excluded.coins')),
				amount: eb('creator_costs.amount', '+', eb.ref('excluded.amount'))
			}))
		)
		.execute();
}

/**
 * Replaces an account's lots, gift costs and creator summaries with a replay of its ledger in
 * order (after history was written directly: the demo seed, an import).
 */
export async function rebuild(trx: Kysely<DB>, accountId: string): Promise<void> {
	const account = await trx
		.selectFrom('accounts')
		.select('time_zone')
		.where('id', '=', accountId)
		.executeTakeFirstOrThrow();
	await trx
		.deleteFrom('gift_costs')
		.where('entry_id', 'in', (eb) =>
			eb.selectFrom('ledger_entries').select('id').where('account_id', '=', accountId)
		)
		.execute();
	await trx.deleteFrom('coin_lots').where('account_id', '=', accountId).execute();
	await trx.deleteFrom('creator_spend').where('account_id', '=', accountId).execute();
	await trx.deleteFrom('creator_costs').where('account_id', '=', accountId).execute();
	const entries = await trx
		.selectFrom('ledger_entries as l')
		.leftJoin('authorizations as a', 'a.id', 'l.authorization_id')
		.select([
			'l.id',
			'l.kind',
			'l.coins',
			'l.price_amount',
			'l.currency',
			'l.creator_id',
			'l.occurred_at',
			'a.day_key',
			'a.month_key'
		])
		.where('l.account_id', '=', accountId)
		.orderBy('l.occurred_at')
		.orderBy('l.id')
		.execute();
	const lots: (Lot & { entry: (typeof entries)[number] })[] = [];
	const costs: { entry_id: string; currency: string; coins: number; amount: number }[] = [];
	const spend = new Map<
		string,
		{ period_key: string; creator_id: string; coins: number; gifts: number }
	>();
	const byCurrency = new Map<string, { period_key: string; creator_id: string } & CostPart>();
	let oldest = 0;
	for (const entry of entries) {
		const coins = Math.abs(entry.coins);
		if (entry.kind === 'recharge') {
			lots.push({ ...lotOf(coins, entry.price_amount, entry.currency), entry });
			continue;
		}
		while (oldest < lots.length && lots[oldest]!.coinsLeft === 0) oldest++;
		const parts = consume(lots, coins, oldest);
		const at = Number(entry.occurred_at);
		const keys =
			entry.day_key && entry.month_key
				? [entry.day_key, entry.month_key]
				: keysAt(account.time_zone, at);
		const creatorId = entry.creator_id ?? '';
		for (const key of keys) {
			const id = `${key}|${creatorId}`;
			const s = spend.get(id) ?? { period_key: key, creator_id: creatorId, coins: 0, gifts: 0 };
			s.coins += coins;
			s.gifts += 1;
			spend.set(id, s);
		}
		for (const part of parts) {
			costs.push({ entry_id: entry.id, ...part });
			for (const key of keys) {
				const id = `${key}|${creatorId}|${part.currency}`;
				const c = byCurrency.get(id) ?? {
					period_key: key,
					creator_id: creatorId,
					currency: part.currency,
					coins: 0,
					amount: 0
				};
				c.coins += part.coins;
				c.amount += part.amount;
				byCurrency.set(id, c);
			}
		}
	}
	await insertAll(
		trx,
		'coin_lots',
		lots.map((lot) => ({
			entry_id: lot.entry.id,
			account_id: accountId,
			occurred_at: Number(lot.entry.occurred_at),
			coins: lot.coins,
			coins_left: lot.coinsLeft,
			price_amount: lot.priceAmount,
			currency: lot.currency
		}))
	);
	await insertAll(trx, 'gift_costs', costs);
	await insertAll(
		trx,
		'creator_spend',
		[...spend.values()].map((r) => ({ account_id: accountId, ...r }))
	);
	await insertAll(
		trx,
		'creator_costs',
		[...byCurrency.values()].map((r) => ({ account_id: accountId, ...r }))
	);
}

type Summary = 'coin_lots' | 'gift_costs' | 'creator_spend' | 'creator_costs';

async function insertAll<T extends Summary>(trx: Kysely<DB>, table: T, rows: Insertable<DB[T]>[]) {
	for (let i = 0; i < rows.length; i += 200) {
		await trx
			.insertInto(table)
			.values(rows.slice(i, i + 200) as never)
			.execute();
	}
}

function keysAt(timeZone: string, at: number): string[] {
	const windows = windowsAt(timeZone, at);
	return [periodKey('day', windows.day), periodKey('month', windows.month)];
}
