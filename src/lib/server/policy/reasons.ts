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
	'approval_expired'
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface Reason {
	code: ReasonCode;
	message: string;
	/** ISO time at which the limit behind this reason starts a new period. */
	resetsAt?: string;
}
