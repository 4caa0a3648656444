import type { ApprovalStatus } from './approvals';
import type { Channel, PurchaseKind } from './purchase';
import type { LimitTerms } from './reasons';

/** What a notice is about; the migration's CHECK spells out the same list. */
export const NOTIFICATION_KINDS = [
	'approval_requested',
	'approval_decided',
	'approval_expired',
	'cap_reached',
	'channel_declined',
	'member_removed'
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Where a notice's e-mail stands in the outbox ('none' when e-mail is off). */
export const EMAIL_STATUSES = ['none', 'pending', 'sent', 'failed'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/** Shares of a minor's cap that tell guardians, once each per limit and period. */
export const CAP_THRESHOLDS = [80, 100] as const;
export type CapThreshold = (typeof CAP_THRESHOLDS)[number];

/** The reason codes of a decline that guardians hear about: a channel or all purchases closed. */
export const BLOCKED_CHANNEL_CODES = ['channel_not_allowed', 'purchases_blocked'] as const;
export type BlockedChannelCode = (typeof BLOCKED_CHANNEL_CODES)[number];

/** The purchase a notice is about, as its sentence names it. */
export interface Purchase {
	authorizationId: string;
	kind: PurchaseKind;
	coins: number;
	price: { amount: number; currency: string } | null;
	channel: Channel;
	creatorName: string | null;
}

export interface Person {
	id: string;
	name: string;
}

/** A notice as data, by kind; `sentence` in $lib/notifications turns it into words. */
export type NoticeData =
	| {
			kind: 'approval_requested';
			approvalId: string;
			minor: Person;
			purchase: Purchase;
			expiresAt: string;
	  }
	| {
			kind: 'approval_decided';
			approvalId: string;
			minor: Person;
			purchase: Purchase;
			status: Extract<ApprovalStatus, 'approved' | 'denied'>;
			decidedBy: Person;
			note: string | null;
			/** Told to the guardian who decided (their other tabs and windows follow). */
			own?: true;
	  }
	| { kind: 'approval_expired'; approvalId: string; minor: Person; purchase: Purchase }
	| {
			kind: 'cap_reached';
			/** Whose limit it is: a minor (told to guardians) or the holder themselves (`own`). */
			minor: Person;
			/** A share in per cent: 80 or 100 for guardians, the holder's chosen ones for `own`. */
			threshold: number;
			/** Told to the limit's holder, about their own limit. */
			own?: true;
			limit: LimitTerms & { id: string };
			/** Counted in the period after the purchase, captured and held. */
			used: number;
			periodKey: string;
	  }
	| { kind: 'channel_declined'; minor: Person; purchase: Purchase; code: BlockedChannelCode }
	| {
			kind: 'member_removed';
			member: Person;
			role: 'guardian' | 'minor';
			by: Person;
			family: string;
	  };
