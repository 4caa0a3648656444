import type { Kysely } from 'kysely';
import type { Authorization, DB, LimitAction, LimitMetric, LimitPeriod } from '../db/schema';
import { periodKey, scopeOf, totalsKey, windowsAt } from '../policy/decide';
import * as limits from '../policy/limits';
import * as scopes from '../policy/scopes';
import * as totals from '../ledger/totals';

// What a guardian decides on, beside the request itself: the minor's spending this month and
// what is left of each of their limits. Amounts exclude the request's own, which is already on
// hold, so "left" is what would remain before approving it.

export interface LimitLeft {
	limitId: string;
	appliesTo: 'recharge' | 'gift';
	metric: LimitMetric;
	period: LimitPeriod;
	amount: number;
	currency: string | null;
	creatorId: string | null;
	action: LimitAction;
	used: number;
	left: number;
}

export interface Context {
	/** The calendar month in the minor's time zone, e.g. "2026-11". */
	month: string;
	/** Spent or on hold this month, not counting this request. */
	thisMonth: {
		coinsBought: number;
		money: { amount: number; currency: string };
		coinsGifted: number;
		/** Coins given to this request's creator; null when it is not a gift. */
		onCreator: number | null;
	};
	limits: LimitLeft[];
}

/** The context of a pending request: spending and limits left, not counting the request. */
export function of(
	db: Kysely<DB>,
	auth: Authorization,
	minor: { timeZone: string; currency: string },
	now: number
): Promise<Context> {
	return compute(db, auth.account_id, minor, now, auth);
}

/** Where a minor stands now (the guardian's overview): spending this month, and each limit. */
export function standing(
	db: Kysely<DB>,
	accountId: string,
	minor: { timeZone: string; currency: string },
	now: number
): Promise<Context> {
	return compute(db, accountId, minor, now, null);
}

async function compute(
	db: Kysely<DB>,
	accountId: string,
	minor: { timeZone: string; currency: string },
	now: number,
	auth: Authorization | null
): Promise<Context> {
	const windows = windowsAt(minor.timeZone, now);
	const keys = (['day', 'week', 'month'] as const).map((p) => periodKey(p, windows[p]));
	const monthKey = keys[2]!;
	const rules = [
		...(await limits.active(db, accountId, 'recharge', now)),
		...(await limits.active(db, accountId, 'gift', now))
	];
	const wanted = new Set([scopes.coins, scopes.money(minor.currency), ...rules.map(scopeOf)]);
	if (auth?.creator_id) wanted.add(scopes.creator(auth.creator_id));
	const [recharges, gifts] = await Promise.all([
		totals.load(db, accountId, 'recharge', keys, [...wanted]),
		totals.load(db, accountId, 'gift', keys, [...wanted])
	]);
	// This request's own amounts, taken out where they are counted.
	const own = new Map(
		(auth ? totals.rowsFor(auth) : []).map((r) => [totalsKey(r.period_key, r.scope), r.amount])
	);
	const read = (kind: 'recharge' | 'gift', key: string) => {
		const sum = (kind === 'recharge' ? recharges : gifts).get(key) ?? 0;
		return sum - (kind === auth?.kind ? (own.get(key) ?? 0) : 0);
	};
	return {
		month: monthKey.slice('month:'.length),
		thisMonth: {
			coinsBought: read('recharge', totalsKey(monthKey, scopes.coins)),
			money: {
				amount: read('recharge', totalsKey(monthKey, scopes.money(minor.currency))),
				currency: minor.currency
			},
			coinsGifted: read('gift', totalsKey(monthKey, scopes.coins)),
			onCreator: auth?.creator_id
				? read('gift', totalsKey(monthKey, scopes.creator(auth.creator_id)))
				: null
		},
		limits: rules.map((rule) => {
			const used =
				rule.period === 'purchase'
					? 0
					: read(
							rule.appliesTo,
							totalsKey(periodKey(rule.period, windows[rule.period]), scopeOf(rule))
						);
			return {
				limitId: rule.id,
				appliesTo: rule.appliesTo,
				metric: rule.metric,
				period: rule.period,
				amount: rule.amount,
				currency: rule.currency,
				creatorId: rule.creatorId,
				action: rule.action,
				used,
				left: Math.max(0, rule.amount - used)
			};
		})
	};
}
