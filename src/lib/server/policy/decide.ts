import { formatCoins, formatMoney } from '$lib/money';
import type { Decision, LimitAction, LimitMetric, LimitPeriod, PurchaseKind } from '../db/schema';
import { windowOf, type Period, type PeriodWindow } from './periods';
import type { Reason, ReasonCode } from './reasons';

// The decision engine: data in, decision out. No I/O and no clock: `now` is an argument,
// so the same inputs always give the same answer and property tests can run it by the thousand.

export interface PurchaseRequest {
	kind: PurchaseKind;
	coins: number;
	price: { amount: number; currency: string } | null;
	creatorId: string | null;
}

export interface LimitRule {
	id: string;
	appliesTo: PurchaseKind;
	metric: LimitMetric;
	period: LimitPeriod;
	amount: number;
	currency: string | null;
	creatorId: string | null;
	action: LimitAction;
}

/** Captured plus held amounts, by `totalsKey(periodKey, scope)`; a missing key is zero. */
export type Totals = ReadonlyMap<string, number>;

export interface DecisionContext {
	now: number;
	timeZone: string;
}

export interface LimitHit {
	limitId: string;
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
	if (limit.metric === 'money') return `money:${limit.currency}`;
	return limit.creatorId ? `creator:${limit.creatorId}` : 'coins';
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
	const code = codeFor(limit);

	if (limit.metric === 'money' && request.price?.currency !== limit.currency) {
		// No exchange rates here: a price in another currency cannot be checked against this
		// limit, so it is treated as over it rather than waved through.
		const paid = request.price?.currency ?? 'no price';
		return hit(
			limit,
			code,
			window,
			timeZone,
			`This limit is in ${limit.currency} and the price is in ${paid}; Coinguard cannot convert between them, so the limit is treated as reached.`
		);
	}

	const amount = limit.metric === 'money' ? request.price!.amount : request.coins;
	if (used + amount <= limit.amount) return null;
	return hit(limit, code, window, timeZone, describe(limit, code, used, amount));
}

function codeFor(limit: LimitRule): ReasonCode {
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

function hit(
	limit: LimitRule,
	code: ReasonCode,
	window: PeriodWindow | null,
	timeZone: string,
	sentence: string
): LimitHit {
	const reason: Reason = { code, message: sentence };
	if (window && code !== 'creator_blocked') {
		reason.resetsAt = new Date(window.end).toISOString();
		reason.message += ` It resets ${formatReset(window.end, timeZone)}.`;
	}
	return { limitId: limit.id, action: limit.action, reason };
}

const periodWords: Record<LimitPeriod, string> = {
	purchase: 'per purchase',
	day: 'today',
	week: 'this week',
	month: 'this month'
};

function describe(limit: LimitRule, code: ReasonCode, used: number, amount: number): string {
	const format = (value: number) =>
		limit.metric === 'money'
			? formatMoney(value, limit.currency!, 'en-US')
			: `${formatCoins(value, 'en-US')} coins`;
	if (code === 'creator_blocked') return 'Gifts to this creator are blocked.';
	const what =
		limit.appliesTo === 'recharge'
			? limit.metric === 'money'
				? 'the money spent on coins'
				: 'the coins bought'
			: 'the coins given in gifts';
	const target = limit.creatorId ? ' to this creator' : '';
	const consequence =
		limit.action === 'block'
			? 'so it is declined'
			: limit.action === 'approval'
				? 'so a guardian must approve it'
				: 'which is past the warning level you set';
	if (limit.period === 'purchase') {
		return `This purchase is ${format(amount)}, over the limit of ${format(limit.amount)} per purchase, ${consequence}.`;
	}
	return `This would take ${what}${target} ${periodWords[limit.period]} to ${format(used + amount)}, over the limit of ${format(limit.amount)}, ${consequence}.`;
}

const resetFormats = new Map<string, Intl.DateTimeFormat>();

function formatReset(at: number, timeZone: string): string {
	// Building an Intl formatter costs far more than using one: keep one per zone.
	let format = resetFormats.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-GB', {
			weekday: 'short',
			day: 'numeric',
			month: 'short',
			year: 'numeric',
			hour: '2-digit',
			minute: '2-digit',
			timeZone
		});
		resetFormats.set(timeZone, format);
	}
	return `on ${format.format(at)} (${timeZone})`;
}
