import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';
import { DateTime } from 'luxon';
import type { DB, LedgerKind } from '../db/schema';
import type { Channel } from '$lib/schemas/purchase';
import type { HistoryFilters, HistoryStatus } from '$lib/schemas/history';
import * as scopes from '../policy/scopes';

// An account's history: its ledger entries (captured purchases) and its authorizations that
// are not one (held, waiting for a guardian, declined), merged newest first. Pages are keyset
// pages on (time, id): each side reads its index from the cursor on, so page 1,000 costs what
// page 1 does. The same query serves the page, its totals and its CSV export.

export interface Transaction {
	id: string;
	kind: LedgerKind;
	status: HistoryStatus;
	coins: number;
	priceAmount: number | null;
	currency: string | null;
	creatorId: string | null;
	creatorHandle: string | null;
	creatorName: string | null;
	giftName: string | null;
	giftEmoji: string | null;
	channel: Channel;
	paymentMethod: string | null;
	/** The authorization's reasons as stored (JSON), for declined and warned purchases. */
	reasons: string | null;
	occurredAt: number;
}

export interface Cursor {
	occurredAt: number;
	id: string;
}

export interface View {
	filters?: HistoryFilters;
	/** The account's time zone: where the dates of `from` and `to` are cut. */
	timeZone?: string;
}

const OPEN_STATUSES = ['held', 'pending_approval', 'declined'] as const;

/** `from` (inclusive) and `to` (the whole day included) as instants in the account's zone. */
export function range(filters: HistoryFilters, timeZone: string) {
	const start = (date: string) => DateTime.fromISO(date, { zone: timeZone }).startOf('day');
	return {
		from: filters.from ? start(filters.from).toMillis() : null,
		to: filters.to ? start(filters.to).plus({ days: 1 }).toMillis() : null
	};
}

/** `%text%` for LIKE, the user's own % and _ taken literally. */
function contains(text: string): string {
	return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function creatorMatches(eb: ExpressionBuilder<DB & { c: DB['creators'] }, 'c'>, q: string) {
	const pattern = contains(q);
	return eb.or([
		sql<boolean>`lower(c.display_name) like ${pattern} escape '\\'`,
		sql<boolean>`lower(c.handle) like ${pattern} escape '\\'`,
		sql<boolean>`lower(c.id) like ${pattern} escape '\\'`
	]);
}

function entries(db: Kysely<DB>, accountId: string, view: View, before: Cursor | null) {
	const f = view.filters ?? {};
	const { from, to } = range(f, view.timeZone ?? 'UTC');
	let query = db
		.selectFrom('ledger_entries as l')
		.leftJoin('creators as c', 'c.id', 'l.creator_id')
		.leftJoin('gifts as g', 'g.id', 'l.gift_id')
		.select([
			'l.id',
			'l.kind',
			sql<HistoryStatus>`cast('captured' as text)`.as('status'),
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
			sql<string | null>`cast(null as text)`.as('reasons'),
			'l.occurred_at as occurredAt'
		])
		.where('l.account_id', '=', accountId);
	if (f.kind) query = query.where('l.kind', '=', f.kind);
	if (f.channel) query = query.where('l.channel', '=', f.channel);
	if (f.method) query = query.where('l.payment_method', '=', f.method);
	if (f.creator) query = query.where('l.creator_id', '=', f.creator);
	if (from !== null) query = query.where('l.occurred_at', '>=', from);
	if (to !== null) query = query.where('l.occurred_at', '<', to);
	if (f.q) {
		const q = f.q;
		query = query.where((eb) => creatorMatches(eb as never, q));
	}
	if (before) {
		query = query.where((eb) =>
			eb(eb.refTuple('l.occurred_at', 'l.id'), '<', eb.tuple(before.occurredAt, before.id))
		);
	}
	return query;
}

function authorizations(db: Kysely<DB>, accountId: string, view: View, before: Cursor | null) {
	const f = view.filters ?? {};
	const { from, to } = range(f, view.timeZone ?? 'UTC');
	const statuses = f.status ? [f.status as (typeof OPEN_STATUSES)[number]] : [...OPEN_STATUSES];
	let query = db
		.selectFrom('authorizations as a')
		.leftJoin('creators as c', 'c.id', 'a.creator_id')
		.select([
			'a.id',
			'a.kind',
			sql<HistoryStatus>`a.status`.as('status'),
			// Signed as the ledger's: a gift would take coins, a recharge would add them.
			sql<number>`case when a.kind = 'gift' then -a.coins else a.coins end`.as('coins'),
			'a.price_amount as priceAmount',
			'a.currency',
			'a.creator_id as creatorId',
			'c.handle as creatorHandle',
			'c.display_name as creatorName',
			sql<string | null>`cast(null as text)`.as('giftName'),
			sql<string | null>`cast(null as text)`.as('giftEmoji'),
			'a.channel',
			'a.payment_method as paymentMethod',
			sql<string | null>`a.reasons`.as('reasons'),
			'a.created_at as occurredAt'
		])
		.where('a.account_id', '=', accountId)
		.where('a.status', 'in', statuses);
	if (f.kind) query = query.where('a.kind', '=', f.kind);
	if (f.channel) query = query.where('a.channel', '=', f.channel);
	if (f.method) query = query.where('a.payment_method', '=', f.method);
	if (f.creator) query = query.where('a.creator_id', '=', f.creator);
	if (from !== null) query = query.where('a.created_at', '>=', from);
	if (to !== null) query = query.where('a.created_at', '<', to);
	if (f.q) {
		const q = f.q;
		query = query.where((eb) => creatorMatches(eb as never, q));
	}
	if (before) {
		query = query.where((eb) =>
			eb(eb.refTuple('a.created_at', 'a.id'), '<', eb.tuple(before.occurredAt, before.id))
		);
	}
	return query;
}

type Side = SelectQueryBuilder<DB, never, Transaction>;

/** One page of an account's history, newest first, continuing after `before` (keyset paging). */
export async function page(
	db: Kysely<DB>,
	accountId: string,
	options: { limit: number; before?: Cursor | null } & View
): Promise<{ rows: Transaction[]; next: Cursor | null }> {
	const before = options.before ?? null;
	const status = options.filters?.status;
	const take = options.limit + 1;
	// Each side ordered and cut on its own index, then merged: neither reads past the page.
	const sides: Side[] = [];
	if (!status || status === 'captured') {
		sides.push(
			entries(db, accountId, options, before)
				.orderBy('l.occurred_at', 'desc')
				.orderBy('l.id', 'desc')
				.limit(take) as unknown as Side
		);
	}
	if (status !== 'captured') {
		sides.push(
			authorizations(db, accountId, options, before)
				.orderBy('a.created_at', 'desc')
				.orderBy('a.id', 'desc')
				.limit(take) as unknown as Side
		);
	}
	let rows: Transaction[];
	if (sides.length === 1) {
		rows = await sides[0]!.execute();
	} else {
		rows = (await db
			.selectFrom((eb) =>
				eb
					.selectFrom(sides[0]!.as('e'))
					.selectAll()
					.unionAll(eb.selectFrom(sides[1]!.as('h')).selectAll())
					.as('t')
			)
			.selectAll()
			.orderBy('occurredAt', 'desc')
			.orderBy('id', 'desc')
			.limit(take)
			.execute()) as Transaction[];
	}
	rows = rows.map(numeric);
	const more = rows.length > options.limit;
	if (more) rows.pop();
	const last = rows.at(-1);
	return { rows, next: more && last ? { occurredAt: last.occurredAt, id: last.id } : null };
}

function numeric(row: Transaction): Transaction {
	return {
		...row,
		coins: Number(row.coins),
		occurredAt: Number(row.occurredAt),
		priceAmount: row.priceAmount === null ? null : Number(row.priceAmount)
	};
}

/** Every row of a view, a page at a time (for the CSV export: never the whole history in memory). */
export async function* each(
	db: Kysely<DB>,
	accountId: string,
	view: View,
	batch = 1000
): AsyncGenerator<Transaction[]> {
	let before: Cursor | null = null;
	for (;;) {
		const { rows, next } = await page(db, accountId, { ...view, limit: batch, before });
		if (rows.length) yield rows;
		if (!next) return;
		before = next;
	}
}

export interface ViewTotals {
	/** Rows in the view, whatever their status. */
	count: number;
	/** Coins bought and gifted by the completed purchases in the view. */
	coinsIn: number;
	coinsOut: number;
	/** Money paid by the completed recharges in the view, per currency, largest first. */
	paid: { currency: string; amount: number }[];
}

const isUnfiltered = (filters: HistoryFilters | undefined) =>
	!filters || Object.values(filters).every((value) => value === undefined);

/** The totals of a view (all of it, not one page): completed purchases count, others are counted. */
export async function totals(db: Kysely<DB>, accountId: string, view: View): Promise<ViewTotals> {
	if (isUnfiltered(view.filters)) return allTime(db, accountId);
	const status = view.filters?.status;
	const result: ViewTotals = { count: 0, coinsIn: 0, coinsOut: 0, paid: [] };
	const work: Promise<void>[] = [];
	if (!status || status === 'captured') {
		work.push(
			db
				.selectFrom(entries(db, accountId, view, null).as('t'))
				.select((eb) => [
					'currency',
					eb.fn.countAll<number>().as('count'),
					sql<number>`sum(case when coins > 0 then coins else 0 end)`.as('coinsIn'),
					sql<number>`sum(case when coins < 0 then -coins else 0 end)`.as('coinsOut'),
					eb.fn.sum<number>('priceAmount').as('paid')
				])
				.groupBy('currency')
				.execute()
				.then((rows) => {
					for (const row of rows) {
						result.count += Number(row.count);
						result.coinsIn += Number(row.coinsIn ?? 0);
						result.coinsOut += Number(row.coinsOut ?? 0);
						if (row.currency)
							result.paid.push({ currency: row.currency, amount: Number(row.paid ?? 0) });
					}
				})
		);
	}
	if (status !== 'captured') {
		work.push(
			db
				.selectFrom(authorizations(db, accountId, view, null).as('t'))
				.select((eb) => eb.fn.countAll<number>().as('count'))
				.executeTakeFirst()
				.then((row) => {
					result.count += Number(row?.count ?? 0);
				})
		);
	}
	await Promise.all(work);
	result.paid.sort((a, b) => b.amount - a.amount);
	return result;
}

/**
 * The whole history's totals without reading it: every captured purchase counts in exactly one
 * month row of the running totals, so their sum is the all-time total. The count is an
 * index-only count.
 */
async function allTime(db: Kysely<DB>, accountId: string): Promise<ViewTotals> {
	const [sums, entries, open] = await Promise.all([
		db
			.selectFrom('period_totals')
			.select((eb) => ['kind', 'scope', eb.fn.sum<number>('captured').as('captured')])
			.where('account_id', '=', accountId)
			.where('period_key', 'like', 'month:%')
			.where((eb) =>
				eb.or([eb('scope', '=', scopes.coins), eb('scope', 'like', `${scopes.money('')}%`)])
			)
			.groupBy(['kind', 'scope'])
			.execute(),
		db
			.selectFrom('ledger_entries')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('account_id', '=', accountId)
			.executeTakeFirstOrThrow(),
		db
			.selectFrom('authorizations')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('account_id', '=', accountId)
			.where('status', 'in', [...OPEN_STATUSES])
			.executeTakeFirstOrThrow()
	]);
	const result: ViewTotals = {
		count: Number(entries.n) + Number(open.n),
		coinsIn: 0,
		coinsOut: 0,
		paid: []
	};
	for (const row of sums) {
		const amount = Number(row.captured ?? 0);
		if (row.scope === scopes.coins) {
			if (row.kind === 'recharge') result.coinsIn += amount;
			else result.coinsOut += amount;
		} else if (row.kind === 'recharge' && amount) {
			result.paid.push({ currency: row.scope.slice(scopes.money('').length), amount });
		}
	}
	result.paid.sort((a, b) => b.amount - a.amount);
	return result;
}

/** The payment methods an account has used lately, for the filter's list (a bounded read). */
export async function paymentMethods(db: Kysely<DB>, accountId: string): Promise<string[]> {
	const recent = db
		.selectFrom('ledger_entries')
		.select('payment_method')
		.where('account_id', '=', accountId)
		.orderBy('occurred_at', 'desc')
		.limit(2000)
		.as('recent');
	const rows = await db
		.selectFrom(recent)
		.select('payment_method')
		.distinct()
		.where('payment_method', 'is not', null)
		.orderBy('payment_method')
		.limit(50)
		.execute();
	return rows.map((r) => r.payment_method!);
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
