import type { LimitAction, LimitMetric, LimitPeriod } from './limits';
import type { Channel, PurchaseKind } from './purchase';
import type { QuietHours } from './rules';

/** Stable reason codes of the API contract; callers switch on these, people read the message. */
export const REASON_CODES = [
	'per_purchase_limit',
	'daily_limit',
	'weekly_limit',
	'monthly_limit',
	'creator_limit',
	'creator_blocked',
	'minor_gifting_disabled',
	'quiet_hours',
	'channel_not_allowed',
	'purchases_blocked',
	'approval_denied',
	'approval_expired',
	'insufficient_balance'
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** The codes of a limit the purchase would pass: these carry the limit and the numbers. */
export const LIMIT_REASON_CODES = [
	'per_purchase_limit',
	'daily_limit',
	'weekly_limit',
	'monthly_limit',
	'creator_limit',
	'creator_blocked'
] as const satisfies readonly ReasonCode[];
export type LimitReasonCode = (typeof LIMIT_REASON_CODES)[number];

/** What a limit says: what it counts, over which period, how much, and what passing it does. */
export interface LimitTerms {
	appliesTo: PurchaseKind;
	metric: LimitMetric;
	period: LimitPeriod;
	/** Coins, or minor units of `currency`. */
	amount: number;
	currency: string | null;
	creatorId: string | null;
	action: LimitAction;
}

/** A limit a purchase would pass, and the numbers that say by how much. */
export interface LimitFacts extends LimitTerms {
	/** Counted in the period before this purchase, captured and held (0 per purchase). */
	used: number;
	/** What this purchase adds: coins, or its price in minor units. */
	requested: number;
	/**
	 * Set when the price is in another currency than a money limit's (null: no price): the two
	 * cannot be compared, so the limit counts as reached.
	 */
	priceCurrency?: string | null;
	/** The account's time zone, in which the period is cut and resets. */
	timeZone: string;
}

export interface Shortfall {
	needed: number;
	/** The balance less the gifts on hold, never below zero. */
	available: number;
	balance: number;
	onHold: number;
}

/** A reason as data: what `sentence` turns into words. (Absent fields are typed `never` so
 * that a reader can ask any reason for its `resetsAt`, `limit` or `coins`.) */
export type ReasonFacts =
	| {
			code: LimitReasonCode;
			limit: LimitFacts;
			/** ISO time at which the limit behind this reason starts a new period. */
			resetsAt?: string;
			coins?: never;
	  }
	| { code: 'insufficient_balance'; coins: Shortfall; limit?: never; resetsAt?: never }
	| {
			code: 'purchases_blocked';
			/** A guardian blocked purchases, or the minor has no guardian yet. */
			cause: PurchasesBlockedCause;
			limit?: never;
			coins?: never;
			resetsAt?: never;
	  }
	| {
			code: 'channel_not_allowed';
			channel: Channel;
			allowed: Channel[];
			limit?: never;
			coins?: never;
			resetsAt?: never;
	  }
	| {
			code: 'quiet_hours';
			quietHours: QuietHours;
			timeZone: string;
			/** ISO time at which the quiet hours end. */
			resetsAt: string;
			limit?: never;
			coins?: never;
	  }
	| {
			code: Exclude<
				ReasonCode,
				| LimitReasonCode
				| 'insufficient_balance'
				| 'purchases_blocked'
				| 'channel_not_allowed'
				| 'quiet_hours'
			>;
			limit?: never;
			coins?: never;
			resetsAt?: never;
	  };

export const PURCHASES_BLOCKED_CAUSES = ['guardian', 'no_guardian'] as const;
export type PurchasesBlockedCause = (typeof PURCHASES_BLOCKED_CAUSES)[number];

/** A reason as the API answers it: its data and the sentence for a person. */
export type Reason = ReasonFacts & { message: string };
