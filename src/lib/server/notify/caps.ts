import type { Kysely } from 'kysely';
import { CAP_THRESHOLDS, type CapThreshold } from '$lib/schemas/notifications';
import type { DB } from '../db/schema';
import {
	applies,
	scopeOf,
	totalsKey,
	type LimitRule,
	type PurchaseRequest,
	type Totals
} from '../policy/decide';

/** A cap share a purchase has just reached: the totals before it were under, after it not. */
export interface Crossing {
	rule: LimitRule;
	threshold: CapThreshold;
	periodKey: string;
	/** Counted in the period after the purchase. */
	used: number;
}

/**
 * The highest cap share each period limit reaches with this purchase (pure). `running` are the
 * totals before it and `periodKeys` its period keys by period; per-purchase limits have no
 * running share, and a zero cap is a block, not a budget.
 */
export function crossings(
	rules: readonly LimitRule[],
	request: PurchaseRequest,
	running: Totals,
	periodKeys: { day: string; week: string; month: string }
): Crossing[] {
	const found: Crossing[] = [];
	for (const rule of rules) {
		if (rule.period === 'purchase' || rule.amount <= 0 || !applies(rule, request)) continue;
		if (rule.metric === 'money' && request.price?.currency !== rule.currency) continue;
		const periodKey = periodKeys[rule.period];
		const before = running.get(totalsKey(periodKey, scopeOf(rule))) ?? 0;
		const after = before + (rule.metric === 'money' ? request.price!.amount : request.coins);
		const reached = CAP_THRESHOLDS.filter(
			(t) => before * 100 < t * rule.amount && after * 100 >= t * rule.amount
		);
		const threshold = reached.at(-1);
		if (threshold !== undefined) found.push({ rule, threshold, periodKey, used: after });
	}
	return found;
}

/**
 * Records that `crossing` was told, once per limit, threshold and period; false when it was
 * already (a purchase voided and made again, say). Reaching 100 % at once counts 80 % too.
 */
export async function firstTime(
	trx: Kysely<DB>,
	crossing: Crossing,
	now: number
): Promise<boolean> {
	const shares = CAP_THRESHOLDS.filter((t) => t <= crossing.threshold);
	const inserted = await trx
		.insertInto('cap_alerts')
		.values(
			shares.map((threshold) => ({
				limit_id: crossing.rule.id,
				threshold,
				period_key: crossing.periodKey,
				created_at: now
			}))
		)
		.onConflict((oc) => oc.columns(['limit_id', 'threshold', 'period_key']).doNothing())
		.returning('threshold')
		.execute();
	return inserted.some((row) => row.threshold === crossing.threshold);
}
