import { DateTime } from 'luxon';
import { withMessage } from '$lib/reasons';
import type { Channel } from '$lib/schemas/purchase';
import { isQuietAt, type AccountRules, type StandingRule } from '$lib/schemas/rules';
import type {
	LimitFacts,
	LimitReasonCode,
	LimitTerms,
	Reason,
	Shortfall
} from '$lib/schemas/reasons';
import type { Decision, LimitAction, PurchaseKind } from '../db/schema';
import { carried, type Rollover } from '$lib/schemas/budget-terms';
import { windowBefore, windowOf, type Period, type PeriodWindow } from './periods';
import * as scopes from './scopes';

// The decision engine: data in, decision out. No I/O and no clock: `now` is an argument,
// so the same inputs always give the same answer and property tests can run it by the thousand.

export interface PurchaseRequest {
	kind: PurchaseKind;
	coins: number;
	price: { amount: number; currency: string } | null;
	creatorId: string | null;
	channel: Channel;
}

export interface LimitRule extends LimitTerms {
	id: string;
	/** Unspent budget of the previous period carried into this one (capped); none when absent. */
	rollover?: Rollover | null;
	/** The shares that alert the holder (the notify module reads them; the engine does not). */
	alertThresholds?: readonly number[];
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
	/** Rules beyond amounts; NO_RULES for an account without any. */
	rules: AccountRules;
	/** Null for an adult; a minor with no guardian cannot buy at all. */
	minor: { hasGuardian: boolean } | null;
	/** The account's standing approvals, each with what it passed this period. */
	standing: readonly StandingRule[];
}

export interface LimitHit {
	/** The limit passed, or null for a rule (or a gift larger than the coins available). */
	limitId: string | null;
	action: LimitAction;
	reason: Reason;
}

export interface Outcome {
	decision: Decision;
	/** Every limit the purchase would pass, blocks first; warnings ride along on approvals. */
	hits: LimitHit[];
	/** The standing approval that let it pass without asking a guardian; it counts against it. */
	standingApprovalId: string | null;
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

/** The period before `window`: where a limit's rollover comes from. */
export function previousWindow(
	period: Period,
	timeZone: string,
	window: PeriodWindow
): PeriodWindow {
	return windowBefore(period, timeZone, window);
}

/**
 * What a limit allows this period: its amount plus what the previous period left unspent,
 * capped by its rollover (`totals` must hold the previous period's key for that).
 */
export function allowance(
	limit: LimitRule,
	totals: Totals,
	window: PeriodWindow | null,
	timeZone: string
): number {
	if (!window || !limit.rollover || limit.period === 'purchase') return limit.amount;
	const previous = previousWindow(limit.period, timeZone, window);
	const used = totals.get(totalsKey(periodKey(limit.period, previous), scopeOf(limit))) ?? 0;
	return limit.amount + carried(limit.amount, used, limit.rollover);
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
	const hits: LimitHit[] = ruleHits(request, context);
	const shortfall = shortfallOf(request, context.wallet);
	if (shortfall) hits.push(shortfallHit(shortfall));
	for (const limit of limits) {
		if (!applies(limit, request)) continue;
		const hit = check(limit, request, totals, windows, context.timeZone);
		if (hit) hits.push(hit);
	}
	hits.sort((a, b) => severity[a.action] - severity[b.action]);
	if (hits.some((h) => h.action === 'block')) {
		return { decision: 'declined', hits, standingApprovalId: null };
	}
	if (!hits.some((h) => h.action === 'approval')) {
		return { decision: 'approved', hits, standingApprovalId: null };
	}
	// A guardian said yes in advance: the approvals it stands for are not asked again.
	const standing = context.standing.find((s) => covers(s, request));
	if (standing) {
		const rest = hits.filter((h) => h.action !== 'approval');
		return { decision: 'approved', hits: rest, standingApprovalId: standing.id };
	}
	return { decision: 'pending_approval', hits, standingApprovalId: null };
}

/** Whether a standing approval has room for the request. */
function covers(standing: StandingRule, request: PurchaseRequest): boolean {
	if (standing.appliesTo !== request.kind) return false;
	if (standing.creatorIds !== null) {
		if (request.creatorId === null || !standing.creatorIds.includes(request.creatorId))
			return false;
	}
	return standing.used + request.coins <= standing.coins;
}

/** The rules that are not amounts: each one it breaks blocks it. */
function ruleHits(request: PurchaseRequest, context: DecisionContext): LimitHit[] {
	const { rules, minor } = context;
	const hits: LimitHit[] = [];
	const block = (reason: Reason): LimitHit => ({ limitId: null, action: 'block', reason });
	if (minor && !minor.hasGuardian) {
		hits.push(block(withMessage({ code: 'purchases_blocked', cause: 'no_guardian' })));
	} else if (rules.purchasesBlocked) {
		hits.push(block(withMessage({ code: 'purchases_blocked', cause: 'guardian' })));
	}
	if (request.kind === 'gift' && !rules.giftingAllowed) {
		hits.push(block(withMessage({ code: 'minor_gifting_disabled' })));
	}
	if (!rules.channels.includes(request.channel)) {
		const allowed = [...rules.channels];
		hits.push(
			block(withMessage({ code: 'channel_not_allowed', channel: request.channel, allowed }))
		);
	}
	if (rules.quietHours) {
		const local = DateTime.fromMillis(context.now, { zone: context.timeZone });
		const quiet = rules.quietHours;
		if (isQuietAt(quiet, local.hour * 60 + local.minute)) {
			let end = local
				.set({ hour: Math.floor(quiet.end / 60), minute: quiet.end % 60 })
				.startOf('minute');
			if (end <= local) end = end.plus({ days: 1 });
			const resetsAt = end.toUTC().toISO()!;
			const facts = {
				code: 'quiet_hours',
				quietHours: quiet,
				timeZone: context.timeZone,
				resetsAt
			} as const;
			hits.push(block(withMessage(facts)));
		}
	}
	return hits;
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
	const allowed = allowance(limit, totals, window, timeZone);
	if (!mismatched && used + requested <= allowed) return null;
	const facts: LimitFacts = {
		appliesTo: limit.appliesTo,
		metric: limit.metric,
		period: limit.period,
		// With a rollover, the amount this period allows (the limit plus what was carried).
		amount: allowed,
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
