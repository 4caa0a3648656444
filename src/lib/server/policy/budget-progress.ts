import type { Kysely } from 'kysely';
import { carried } from '$lib/schemas/budget-terms';
import type { DB, Limit } from '../db/schema';
import { periodKey, previousWindow, scopeOf, totalsKey, windowsAt } from './decide';
import * as limits from './limits';

// How far each limit is into its current period, read from `period_totals` (a handful of rows
// whatever the history): captured is spent, held is waiting to settle or for a guardian.

export interface Progress {
	spent: number;
	held: number;
	/** What the limit allows this period: its amount plus what the last period carried over. */
	allowed: number;
	carried: number;
	/** Never below zero. */
	left: number;
	/** Spent and held as a share of what is allowed, in per cent (may pass 100). */
	percent: number;
	/** When the period resets (exclusive end of the window, ms). */
	resetsAt: number;
}

/** Progress of each calendar limit (per-purchase limits have none), by limit id. */
export async function of(
	db: Kysely<DB>,
	account: { id: string; timeZone: string },
	rows: readonly Limit[],
	now: number
): Promise<Map<string, Progress>> {
	const windows = windowsAt(account.timeZone, now);
	const calendar = rows.filter((l) => l.period !== 'purchase');
	const progress = new Map<string, Progress>();
	if (calendar.length === 0) return progress;
	const keys = new Set<string>();
	const scopes = new Set<string>();
	for (const limit of calendar) {
		const period = limit.period as 'day' | 'week' | 'month';
		keys.add(periodKey(period, windows[period]));
		if (limit.rollover_percent !== null || limit.rollover_amount !== null) {
			keys.add(periodKey(period, previousWindow(period, account.timeZone, windows[period])));
		}
		scopes.add(scopeOf(limits.toRule(limit)));
	}
	const totals = await db
		.selectFrom('period_totals')
		.select(['kind', 'period_key', 'scope', 'captured', 'held'])
		.where('account_id', '=', account.id)
		.where('period_key', 'in', [...keys])
		.where('scope', 'in', [...scopes])
		.execute();
	const found = new Map(
		totals.map((t) => [`${t.kind}|${totalsKey(t.period_key, t.scope)}`, t] as const)
	);
	for (const limit of calendar) {
		const period = limit.period as 'day' | 'week' | 'month';
		const window = windows[period];
		const scope = scopeOf(limits.toRule(limit));
		const row = found.get(`${limit.applies_to}|${totalsKey(periodKey(period, window), scope)}`);
		const spent = row?.captured ?? 0;
		const held = row?.held ?? 0;
		let carry = 0;
		if (limit.rollover_percent !== null || limit.rollover_amount !== null) {
			const before = previousWindow(period, account.timeZone, window);
			const last = found.get(`${limit.applies_to}|${totalsKey(periodKey(period, before), scope)}`);
			const used = (last?.captured ?? 0) + (last?.held ?? 0);
			carry = carried(limit.amount, used, {
				percent: limit.rollover_percent,
				amount: limit.rollover_amount
			});
		}
		const allowed = limit.amount + carry;
		progress.set(limit.id, {
			spent,
			held,
			allowed,
			carried: carry,
			left: Math.max(0, allowed - spent - held),
			percent:
				allowed > 0 ? Math.round(((spent + held) * 100) / allowed) : spent + held > 0 ? 100 : 0,
			resetsAt: window.end
		});
	}
	return progress;
}
