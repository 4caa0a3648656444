import { withMessage } from '$lib/reasons';
import type {
	LimitFacts,
	LimitReasonCode,
	LimitTerms,
	Reason,
	Shortfall
} from '$lib/schemas/reasons';
import type { Decision, LimitAction, PurchaseKind } from '../db/schema';
import { windowOf, type Period, type PeriodWindow } from './periods';
import * as scopes from './scopes';

// The decision engine: data in, decision out. No I/O and no clock: `now` is an argument,
// so the same inputs always give the same answer and property tests can run it by the thousand.

export interface PurchaseRequest {
	kind: PurchaseKind;
	coins: number;
	price: { amount: number; currency: string } | null;
	creatorId: string | null;
}

export interface LimitRule extends LimitTerms {
	id: string;
}

/** Captured plus held amounts, by `totalsKey(periodKey, scope)`; a missing key is zero. */
export type Totals = ReadonlyMap<string, number>;

/** The account's coins: gifts are paid from the balance less the gifts already on hold. */
export interface Wallet {
	balance: number;
	/** Coins of gifts held or waiting for a guardian. */
	onHold: number;
}

export interface DecisionContext {
	now: number;
	timeZone: string;
	wallet: Wallet;
}

export interface LimitHit {
	/** The limit passed, or null when the gift is larger than the coins available. */
	limitId: string | null;
	action: LimitAction;
	reason: Reason;
}

export interface Outcome {
	decision: Decision;
	/** Every limit the purchase would pass, blocks first; warnings ride along on approvals. */
	hits: LimitHit[];
}

export type PeriodWindows = Record<Period, PeriodWindow>;

export function windowsAt(timeZone: string, now: number): PeriodWindows {
	return {
		day: windowOf('day', timeZone, now),
		week: windowOf('week', timeZone, now),
		month: windowOf('month', timeZone, now)
	};
}

export function periodKey(period: Period, window: PeriodWindow): string {
	return `${period}:${window.key}`;
}

/** What a limit counts: all coins, coins to one creator, or money in one currency. */
export function scopeOf(limit: Pick<LimitRule, 'metric' | 'currency' | 'creatorId'>): string {
	if (limit.metric === 'money') return scopes.money(limit.currency!);
	return limit.creatorId ? scopes.creator(limit.creatorId) : scopes.coins;
}

export function totalsKey(periodKeyValue: string, scope: string): string {
	return `${periodKeyValue}|${scope}`;
}

export function applies(limit: LimitRule, request: PurchaseRequest): boolean {
	if (limit.appliesTo !== request.kind) return false;
	return limit.creatorId === null || limit.creatorId === request.creatorId;
}

const severity: Record<LimitAction, number> = { block: 0, approval: 1, warn: 2 };

export function decide(
	request: PurchaseRequest,
	limits: readonly LimitRule[],
	totals: Totals,
	context: DecisionContext
): Outcome {
	const windows = windowsAt(context.timeZone, context.now);
	const hits: LimitHit[] = [];
	const shortfall = shortfallOf(request, context.wallet);
	if (shortfall) hits.push(shortfallHit(shortfall));
	for (const limit of limits) {
		if (!applies(limit, request)) continue;
		const hit = check(limit, request, totals, windows, context.timeZone);
		if (hit) hits.push(hit);
	}
	hits.sort((a, b) => severity[a.action] - severity[b.action]);
	const decision: Decision = hits.some((h) => h.action === 'block')
		? 'declined'
		: hits.some((h) => h.action === 'approval')
			? 'pending_approval'
			: 'approved';
	return { decision, hits };
}

/** What a gift lacks, or null when the coins available cover it (recharges never lack). */
function shortfallOf(request: PurchaseRequest, wallet: Wallet): Shortfall | null {
	if (request.kind !== 'gift') return null;
	const available = Math.max(0, wallet.balance - wallet.onHold);
	if (request.coins <= available) return null;
	return { needed: request.coins, available, balance: wallet.balance, onHold: wallet.onHold };
}

function shortfallHit(coins: Shortfall): LimitHit {
	const reason = withMessage({ code: 'insufficient_balance', coins });
	return { limitId: null, action: 'block', reason };
}

function check(
	limit: LimitRule,
	request: PurchaseRequest,
	totals: Totals,
	windows: PeriodWindows,
	timeZone: string
): LimitHit | null {
	const window = limit.period === 'purchase' ? null : windows[limit.period];
	const used = window
		? (totals.get(totalsKey(periodKey(limit.period as Period, window), scopeOf(limit))) ?? 0)
		: 0;
	const mismatched = limit.metric === 'money' && request.price?.currency !== limit.currency;
	const requested = limit.metric === 'money' ? (request.price?.amount ?? 0) : request.coins;
	if (!mismatched && used + requested <= limit.amount) return null;
	const facts: LimitFacts = {
		appliesTo: limit.appliesTo,
		metric: limit.metric,
		period: limit.period,
		amount: limit.amount,
		currency: limit.currency,
		creatorId: limit.creatorId,
		action: limit.action,
		used,
		requested,
		timeZone
	};
	// No exchange rates here: a price in another currency cannot be checked against this
	// limit, so it is treated as over it rather than waved through.
	if (mismatched) facts.priceCurrency = request.price?.currency ?? null;
	return hit(limit, window, facts);
}

function codeFor(limit: LimitRule): LimitReasonCode {
	if (limit.creatorId)
		return limit.amount === 0 && limit.action === 'block' ? 'creator_blocked' : 'creator_limit';
	switch (limit.period) {
		case 'purchase':
			return 'per_purchase_limit';
		case 'day':
			return 'daily_limit';
		case 'week':
			return 'weekly_limit';
		case 'month':
			return 'monthly_limit';
	}
}

function hit(limit: LimitRule, window: PeriodWindow | null, facts: LimitFacts): LimitHit {
	const code = codeFor(limit);
	const reason: Reason =
		window && code !== 'creator_blocked'
			? withMessage({ code, limit: facts, resetsAt: new Date(window.end).toISOString() })
			: withMessage({ code, limit: facts });
	return { limitId: limit.id, action: limit.action, reason };
}
