import type { Kysely } from 'kysely';
import { CALENDAR_PERIODS } from '$lib/schemas/limits';
import type { Reason } from '$lib/schemas/reasons';
import type { Authorization, DB } from '../db/schema';
import {
	decide,
	periodKey,
	scopeOf,
	totalsKey,
	windowsAt,
	type DecisionContext,
	type Totals
} from '../policy/decide';
import * as limits from '../policy/limits';
import * as totals from './totals';

// A guardian's approval re-runs the limits as they stand at that moment: a cap may have been
// lowered, or used up by other purchases, since the request was made. The request's own
// amount is already counted in the totals and the coins on hold, so it is taken out first.

/**
 * The blocking reasons that stop `auth` now; empty when it still fits. Call inside the lock,
 * with the account's wallet as the lock read it.
 */
export async function blockers(
	trx: Kysely<DB>,
	auth: Authorization,
	account: Pick<DecisionContext, 'timeZone' | 'wallet' | 'rules' | 'minor'>,
	now: number
): Promise<Reason[]> {
	const { timeZone, wallet, rules: accountRules, minor } = account;
	const rules = await limits.active(trx, auth.account_id, auth.kind, now);
	const windows = windowsAt(timeZone, now);
	const periodKeys = CALENDAR_PERIODS.map((p) => periodKey(p, windows[p]));
	const running = await totals.load(trx, auth.account_id, auth.kind, periodKeys, [
		...new Set(rules.map(scopeOf))
	]);
	const outcome = decideWithout(auth, rules, running, {
		now,
		timeZone,
		wallet: { ...wallet, onHold: wallet.onHold - (auth.kind === 'gift' ? auth.coins : 0) },
		rules: accountRules,
		minor,
		// Standing approvals only spare a request; this one is being answered.
		standing: []
	});
	// `approval` limits are what the guardian is answering; only blocks refuse the approval.
	// Quiet hours too: they stop the minor buying at night, and a request asked before them
	// is for the guardian to answer when they read it.
	return outcome.hits
		.filter((h) => h.action === 'block' && h.reason.code !== 'quiet_hours')
		.map((h) => h.reason);
}

/** The one call of the decision engine here, as `authorize` makes it, less this hold's amounts. */
function decideWithout(
	auth: Authorization,
	rules: Parameters<typeof decide>[1],
	running: Totals,
	context: Parameters<typeof decide>[3]
) {
	const others = new Map(running);
	for (const row of totals.rowsFor(auth)) {
		const key = totalsKey(row.period_key, row.scope);
		if (others.has(key)) others.set(key, others.get(key)! - row.amount);
	}
	const price =
		auth.price_amount !== null && auth.currency !== null
			? { amount: auth.price_amount, currency: auth.currency }
			: null;
	const request = {
		kind: auth.kind,
		coins: auth.coins,
		price,
		creatorId: auth.creator_id,
		channel: auth.channel
	};
	return decide(request, rules, others, context);
}
