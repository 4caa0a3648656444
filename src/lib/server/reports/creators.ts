import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { NO_CURRENCY } from '../costs';
import { keysBetween } from './period-keys';

// Per-creator figures read from the summaries (creator_spend, creator_costs), never the
// ledger: a handful of rows per creator and key, however long the history.

export interface Money {
	amount: number;
	currency: string;
}

export interface CreatorFigures {
	creatorId: string;
	handle: string | null;
	name: string;
	coins: number;
	gifts: number;
	/** What the coins cost, first-in first-out; coins no paid recharge stands behind are not in it. */
	cost: Money[];
	/** Those coins that cost nothing (no paid recharge behind them). */
	freeCoins: number;
}

/** Per creator, for the summary keys given, largest (coins) first. */
export async function forKeys(
	db: Kysely<DB>,
	accountId: string,
	keys: string[],
	onlyCreatorId?: string
): Promise<CreatorFigures[]> {
	if (keys.length === 0) return [];
	const [spend, costs] = await Promise.all([
		db
			.selectFrom('creator_spend as s')
			.leftJoin('creators as c', 'c.id', 's.creator_id')
			.select((eb) => [
				's.creator_id',
				'c.handle',
				'c.display_name',
				eb.fn.sum<number>('s.coins').as('coins'),
				eb.fn.sum<number>('s.gifts').as('gifts')
			])
			.where('s.account_id', '=', accountId)
			.where('s.period_key', 'in', keys)
			.$if(onlyCreatorId !== undefined, (q) => q.where('s.creator_id', '=', onlyCreatorId!))
			.groupBy(['s.creator_id', 'c.handle', 'c.display_name'])
			.execute(),
		db
			.selectFrom('creator_costs')
			.select((eb) => [
				'creator_id',
				'currency',
				eb.fn.sum<number>('coins').as('coins'),
				eb.fn.sum<number>('amount').as('amount')
			])
			.where('account_id', '=', accountId)
			.where('period_key', 'in', keys)
			.$if(onlyCreatorId !== undefined, (q) => q.where('creator_id', '=', onlyCreatorId!))
			.groupBy(['creator_id', 'currency'])
			.orderBy('currency')
			.execute()
	]);
	const figures = spend.map((row): CreatorFigures => ({
		creatorId: row.creator_id,
		handle: row.handle,
		name: row.display_name ?? row.creator_id,
		coins: Number(row.coins),
		gifts: Number(row.gifts),
		cost: [],
		freeCoins: 0
	}));
	const byId = new Map(figures.map((f) => [f.creatorId, f]));
	for (const row of costs) {
		const figure = byId.get(row.creator_id);
		if (!figure) continue;
		if (row.currency === NO_CURRENCY) figure.freeCoins += Number(row.coins);
		else figure.cost.push({ amount: Number(row.amount), currency: row.currency });
	}
	return figures
		.filter((f) => f.coins > 0)
		.sort((a, b) => b.coins - a.coins || a.name.localeCompare(b.name));
}

/** Per creator between two local dates (`to` exclusive), as `reports.creators` answers. */
export function between(db: Kysely<DB>, accountId: string, from: string, to: string) {
	return forKeys(db, accountId, keysBetween(from, to));
}

export interface MonthlyCoins {
	month: string;
	creatorId: string;
	coins: number;
}

/** Coins per month key and creator, for the creators asked. */
export async function monthly(
	db: Kysely<DB>,
	accountId: string,
	monthKeys: string[],
	creatorIds: string[]
): Promise<MonthlyCoins[]> {
	if (monthKeys.length === 0 || creatorIds.length === 0) return [];
	const rows = await db
		.selectFrom('creator_spend')
		.select(['period_key', 'creator_id', 'coins'])
		.where('account_id', '=', accountId)
		.where('period_key', 'in', monthKeys)
		.where('creator_id', 'in', creatorIds)
		.execute();
	return rows.map((r) => ({
		month: r.period_key.slice('month:'.length),
		creatorId: r.creator_id,
		coins: Number(r.coins)
	}));
}

export interface DirectoryEntry {
	creatorId: string;
	handle: string | null;
	name: string;
}

/** Every creator, searched by name, handle or id, in name order: the way to each creator page. */
export async function directory(
	db: Kysely<DB>,
	search: string,
	limit: number,
	offset: number
): Promise<{ creators: DirectoryEntry[]; more: boolean }> {
	let query = db
		.selectFrom('creators')
		.select(['id', 'handle', 'display_name'])
		.orderBy('display_name')
		.orderBy('id')
		.limit(limit + 1)
		.offset(offset);
	const words = search.trim().toLowerCase();
	if (words) {
		// LIKE's wildcards in the search are matched as themselves.
		const pattern = `%${words.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
		// SQLite has no default LIKE escape character: name one, for both databases.
		query = query.where((eb) =>
			eb.or(
				(['display_name', 'handle', 'id'] as const).map(
					(column) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`
				)
			)
		);
	}
	const rows = await query.execute();
	return {
		creators: rows
			.slice(0, limit)
			.map((r) => ({ creatorId: r.id, handle: r.handle, name: r.display_name })),
		more: rows.length > limit
	};
}

/** One creator's figures over all time (the month summaries), or null when no gift went to them. */
export async function allTime(
	db: Kysely<DB>,
	accountId: string,
	creatorId: string
): Promise<CreatorFigures | null> {
	const months = await db
		.selectFrom('creator_spend')
		.select('period_key')
		.where('account_id', '=', accountId)
		.where('creator_id', '=', creatorId)
		.where('period_key', 'like', 'month:%')
		.execute();
	const [figures] = await forKeys(
		db,
		accountId,
		months.map((m) => m.period_key),
		creatorId
	);
	return figures ?? null;
}

/** A creator as the directory names them, or undefined when unknown. */
export function creator(db: Kysely<DB>, creatorId: string) {
	return db
		.selectFrom('creators')
		.select(['id as creatorId', 'handle', 'display_name as name'])
		.where('id', '=', creatorId)
		.executeTakeFirst();
}
