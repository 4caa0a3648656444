import type { Kysely } from 'kysely';
import { DEFAULT_ALERT_THRESHOLDS } from '$lib/schemas/budget-terms';
import { CAP_THRESHOLDS } from '$lib/schemas/notifications';
import type { DB } from '../db/schema';
import {
	allowance,
	applies,
	scopeOf,
	totalsKey,
	type LimitRule,
	type PeriodWindows,
	type PurchaseRequest,
	type Totals
} from '../policy/decide';

// Shares of a limit reached, told once per limit, threshold and period (the `cap_alerts` rows):
// the holder hears of the thresholds they chose on the limit (50, 80, 100 % unless they chose
// others) and a minor's guardians of 80 and 100 %. One row per threshold serves both.

/** A limit's shares a purchase has just reached: the totals before it were under, after it not. */
export interface Crossing {
	rule: LimitRule;
	/** Every share passed with this purchase, ascending (the holder's and the guardians'). */
	thresholds: number[];
	periodKey: string;
	/** Counted in the period after the purchase. */
	used: number;
	/** What the limit allows this period (its amount plus any rollover). */
	allowed: number;
}

export function holderThresholds(rule: LimitRule): readonly number[] {
	return rule.alertThresholds ?? DEFAULT_ALERT_THRESHOLDS;
}

/**
 * The shares each period limit reaches with this purchase (pure). `running` are the totals
 * before it (with the previous periods of limits that roll over) and `windows` its periods;
 * per-purchase limits have no running share, and a zero cap is a block, not a budget.
 * `guardians` adds their 80 and 100 % (a minor in a family).
 */
export function crossings(
	rules: readonly LimitRule[],
	request: PurchaseRequest,
	running: Totals,
	windows: PeriodWindows,
	timeZone: string,
	guardians: boolean
): Crossing[] {
	const found: Crossing[] = [];
	for (const rule of rules) {
		if (rule.period === 'purchase' || rule.amount <= 0 || !applies(rule, request)) continue;
		if (rule.metric === 'money' && request.price?.currency !== rule.currency) continue;
		const window = windows[rule.period];
		const periodKey = `${rule.period}:${window.key}`;
		const allowed = allowance(rule, running, window, timeZone);
		const before = running.get(totalsKey(periodKey, scopeOf(rule))) ?? 0;
		const after = before + (rule.metric === 'money' ? request.price!.amount : request.coins);
		const shares = new Set<number>(holderThresholds(rule));
		if (guardians) for (const t of CAP_THRESHOLDS) shares.add(t);
		const thresholds = [...shares]
			.sort((a, b) => a - b)
			.filter((t) => before * 100 < t * allowed && after * 100 >= t * allowed);
		if (thresholds.length > 0) found.push({ rule, thresholds, periodKey, used: after, allowed });
	}
	return found;
}

/**
 * Records the shares of `crossing` in `cap_alerts` and returns those not recorded before (a
 * purchase voided and made again, say, is not told twice).
 */
export async function firstTime(
	trx: Kysely<DB>,
	crossing: Crossing,
	now: number
): Promise<number[]> {
	const inserted = await trx
		.insertInto('cap_alerts')
		.values(
			crossing.thresholds.map((threshold) => ({
				limit_id: crossing.rule.id,
				threshold,
				period_key: crossing.periodKey,
				created_at: now
			}))
		)
		.onConflict((oc) => oc.columns(['limit_id', 'threshold', 'period_key']).doNothing())
		.returning('threshold')
		.execute();
	return inserted.map((row) => row.threshold);
}

/** The highest of `fresh` that `audience` listens for, or undefined. */
export function highestFor(fresh: readonly number[], audience: readonly number[]) {
	return fresh
		.filter((t) => audience.includes(t))
		.sort((a, b) => a - b)
		.at(-1);
}
