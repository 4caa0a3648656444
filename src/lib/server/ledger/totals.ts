import type { Kysely } from 'kysely';
import type { DB, PurchaseKind } from '../db/schema';
import { template } from '../db/template';
import { periodKey, totalsKey, windowsAt, type Totals } from '../policy/decide';
import * as costs from '../costs';
import * as scopes from '../policy/scopes';
import * as states from './states';

// Running totals per account, period and scope, changed in the same transaction as the
// authorization, capture, void or expiry that moves them: a limit check reads a handful of
// rows, however long the history.

export interface Counted {
	kind: PurchaseKind;
	coins: number;
	price_amount: number | null;
	currency: string | null;
	creator_id: string | null;
	day_key: string;
	week_key: string;
	month_key: string;
}

interface Row {
	period_key: string;
	scope: string;
	amount: number;
}

/** The totals rows one purchase counts in, and by how much. */
export function rowsFor(purchase: Counted): Row[] {
	const counted: [string, number][] = [[scopes.coins, purchase.coins]];
	if (purchase.creator_id) counted.push([scopes.creator(purchase.creator_id), purchase.coins]);
	if (purchase.currency && purchase.price_amount) {
		counted.push([scopes.money(purchase.currency), purchase.price_amount]);
	}
	const rows: Row[] = [];
	for (const key of [purchase.day_key, purchase.week_key, purchase.month_key]) {
		for (const [scope, amount] of counted) rows.push({ period_key: key, scope, amount });
	}
	return rows;
}

export function periodKeysAt(timeZone: string, at: number) {
	const windows = windowsAt(timeZone, at);
	return {
		day_key: periodKey('day', windows.day),
		week_key: periodKey('week', windows.week),
		month_key: periodKey('month', windows.month)
	};
}

/**
 * Moves a purchase's amounts in its totals rows (and a gift's in the account's coins on hold):
 * `held: 1` when it is authorized, then `held: -1` with `captured: 1` (capture) or
 * `captured: 0` (void, expiry).
 */
export async function move(
	trx: Kysely<DB>,
	accountId: string,
	purchase: Counted,
	change: { held: -1 | 1; captured: 0 | 1 }
): Promise<void> {
	if (purchase.kind === 'gift') {
		// A gift on hold has spent its coins already, as far as the next gift can tell.
		await moveOnHold.execute(trx, { accountId, coins: purchase.coins * change.held });
	}
	const rows = rowsFor(purchase);
	if (change.held === 1) {
		await addHeld.execute(trx, {
			accountId,
			kind: purchase.kind,
			periodKeys: rows.map((r) => r.period_key),
			scopes: rows.map((r) => r.scope),
			amounts: rows.map((r) => r.amount)
		});
		return;
	}
	// The rows exist since the hold was counted. (An upsert cannot take away: SQLite checks
	// `held >= 0` on the would-be inserted row before it sees the conflict.)
	for (const row of rows) {
		await releaseHeld.execute(trx, {
			accountId,
			kind: purchase.kind,
			periodKey: row.period_key,
			scope: row.scope,
			amount: row.amount,
			captured: row.amount * change.captured
		});
	}
}

// The statements above, as templates: they run in every authorization, capture and void.
const moveOnHold = template((trx, args: { accountId: string; coins: number }) =>
	trx
		.updateTable('accounts')
		.set((eb) => ({ gift_coins_on_hold: eb('gift_coins_on_hold', '+', args.coins) }))
		.where('id', '=', args.accountId)
);

const addHeld = template(
	(
		trx,
		args: {
			accountId: string;
			kind: PurchaseKind;
			periodKeys: string[];
			scopes: string[];
			amounts: number[];
		}
	) =>
		trx
			.insertInto('period_totals')
			.values(
				args.periodKeys.map((periodKey, i) => ({
					account_id: args.accountId,
					kind: args.kind,
					period_key: periodKey,
					scope: args.scopes[i]!,
					held: args.amounts[i]!,
					captured: 0
				}))
			)
			.onConflict((oc) =>
				oc
					.columns(['account_id', 'kind', 'period_key', 'scope'])
					.doUpdateSet((eb) => ({ held: eb('period_totals.held', '+', eb.ref('excluded.held')) }))
			)
);

const releaseHeld = template(
	(
		trx,
		args: {
			accountId: string;
			kind: PurchaseKind;
			periodKey: string;
			scope: string;
			amount: number;
			captured: number;
		}
	) =>
		trx
			.updateTable('period_totals')
			.set((eb) => ({
				held: eb('held', '-', args.amount),
				captured: eb('captured', '+', args.captured)
			}))
			.where('account_id', '=', args.accountId)
			.where('kind', '=', args.kind)
			.where('period_key', '=', args.periodKey)
			.where('scope', '=', args.scope)
);

const loadQuery = template(
	(trx, args: { accountId: string; kind: PurchaseKind; periodKeys: string[]; scopes: string[] }) =>
		trx
			.selectFrom('period_totals')
			.select(['period_key', 'scope', 'captured', 'held'])
			.where('account_id', '=', args.accountId)
			.where('kind', '=', args.kind)
			.where('period_key', 'in', args.periodKeys)
			.where('scope', 'in', args.scopes)
);

/** Captured plus held, for the periods and scopes asked, keyed as the decision engine reads them. */
export async function load(
	trx: Kysely<DB>,
	accountId: string,
	kind: PurchaseKind,
	periodKeys: string[],
	scopes: string[]
): Promise<Totals> {
	const totals = new Map<string, number>();
	if (periodKeys.length === 0 || scopes.length === 0) return totals;
	const { rows } = await loadQuery.execute(trx, { accountId, kind, periodKeys, scopes });
	for (const row of rows) totals.set(totalsKey(row.period_key, row.scope), row.captured + row.held);
	return totals;
}

export interface TotalsRow {
	kind: string;
	period_key: string;
	scope: string;
	captured: number;
	held: number;
}

/**
 * The totals an account should have, worked out from scratch: its ledger entries (captured)
 * and its live authorizations (held). Used to build totals for imported history and to
 * check that the running totals never drifted.
 */
export async function recompute(trx: Kysely<DB>, accountId: string): Promise<TotalsRow[]> {
	const account = await trx
		.selectFrom('accounts')
		.select('time_zone')
		.where('id', '=', accountId)
		.executeTakeFirstOrThrow();
	const sums = new Map<string, TotalsRow>();
	const add = (purchase: Counted, field: 'captured' | 'held') => {
		for (const row of rowsFor(purchase)) {
			const key = `${purchase.kind}|${row.period_key}|${row.scope}`;
			const entry = sums.get(key) ?? {
				kind: purchase.kind,
				period_key: row.period_key,
				scope: row.scope,
				captured: 0,
				held: 0
			};
			entry[field] += row.amount;
			sums.set(key, entry);
		}
	};
	const entries = await trx
		.selectFrom('ledger_entries as l')
		.leftJoin('authorizations as a', 'a.id', 'l.authorization_id')
		.select([
			'l.kind',
			'l.coins',
			'l.price_amount',
			'l.currency',
			'l.creator_id',
			'l.occurred_at',
			'a.day_key',
			'a.week_key',
			'a.month_key'
		])
		.where('l.account_id', '=', accountId)
		.execute();
	for (const entry of entries) {
		// Captured purchases count in the periods they were authorized in; imported history
		// (no authorization) in the periods it happened in.
		const keys =
			entry.day_key && entry.week_key && entry.month_key
				? { day_key: entry.day_key, week_key: entry.week_key, month_key: entry.month_key }
				: periodKeysAt(account.time_zone, entry.occurred_at);
		add({ ...entry, coins: Math.abs(entry.coins), ...keys }, 'captured');
	}
	const live = await trx
		.selectFrom('authorizations')
		.select([
			'kind',
			'coins',
			'price_amount',
			'currency',
			'creator_id',
			'day_key',
			'week_key',
			'month_key'
		])
		.where('account_id', '=', accountId)
		.where('status', 'in', states.LIVE)
		.execute();
	for (const hold of live) add(hold, 'held');
	return [...sums.values()].sort((a, b) =>
		`${a.kind}|${a.period_key}|${a.scope}`.localeCompare(`${b.kind}|${b.period_key}|${b.scope}`)
	);
}

/** The running totals as stored, in the same shape and order as `recompute`. */
export async function stored(trx: Kysely<DB>, accountId: string): Promise<TotalsRow[]> {
	const rows = await trx
		.selectFrom('period_totals')
		.select(['kind', 'period_key', 'scope', 'captured', 'held'])
		.where('account_id', '=', accountId)
		.execute();
	return rows
		.filter((r) => r.captured !== 0 || r.held !== 0)
		.sort((a, b) =>
			`${a.kind}|${a.period_key}|${a.scope}`.localeCompare(`${b.kind}|${b.period_key}|${b.scope}`)
		);
}

/** The coins of an account's live gift holds, summed from scratch (`gift_coins_on_hold` keeps it). */
export async function recomputeGiftsOnHold(trx: Kysely<DB>, accountId: string): Promise<number> {
	const row = await trx
		.selectFrom('authorizations')
		.select((eb) => eb.fn.sum<number>('coins').as('coins'))
		.where('account_id', '=', accountId)
		.where('kind', '=', 'gift')
		.where('status', 'in', states.LIVE)
		.executeTakeFirst();
	return Number(row?.coins ?? 0);
}

/**
 * Replaces an account's totals with `recompute`'s (after importing history), and its gift
 * costs and creator summaries with a replay of its ledger.
 */
export async function rebuild(trx: Kysely<DB>, accountId: string): Promise<void> {
	await trx
		.updateTable('accounts')
		.set({ gift_coins_on_hold: await recomputeGiftsOnHold(trx, accountId) })
		.where('id', '=', accountId)
		.execute();
	const rows = await recompute(trx, accountId);
	await trx.deleteFrom('period_totals').where('account_id', '=', accountId).execute();
	for (let i = 0; i < rows.length; i += 200) {
		const batch = rows
			.slice(i, i + 200)
			.map((r) => ({ account_id: accountId, ...r, kind: r.kind as PurchaseKind }));
		await trx.insertInto('period_totals').values(batch).execute();
	}
	await costs.rebuild(trx, accountId);
}
