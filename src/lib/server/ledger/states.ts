import { withMessage } from '$lib/reasons';
import type { ApprovalStatus } from '$lib/schemas/approvals';
import { AUTHORIZATION_STATUSES, type AuthorizationStatus } from '$lib/schemas/purchase';
import type { Authorization, Decision } from '../db/schema';

// The lifecycles of an authorization and of its approval request, each as one table of
// allowed transitions (as tigerbeetle's pending → posted | voided | expired). Every operation
// asks here whether it may move, and what moving does; nothing else decides that.

export const OPERATIONS = ['capture', 'void', 'expire', 'approve', 'deny'] as const;
export type Operation = (typeof OPERATIONS)[number];

export const APPROVAL_OPERATIONS = ['approve', 'deny', 'expire', 'withdraw'] as const;
export type ApprovalOperation = (typeof APPROVAL_OPERATIONS)[number];

export interface Transition {
	to: AuthorizationStatus;
	/** The hold on the running totals: kept, released, or turned into captured amounts. */
	totals: 'keep' | 'release' | 'capture';
	/** The move of the approval request, for an authorization that waits for a guardian. */
	approval?: ApprovalOperation;
	/** The decision `purchase.get` answers from now on, when it changes. */
	decision?: Decision;
	/** The reason that replaces the first ones, when the guardian's answer is the reason. */
	reason?: 'approval_denied' | 'approval_expired';
	/** Starts a fresh hold: the flow has the hold's time again to capture it. */
	freshHold?: true;
}

const TRANSITIONS: Record<AuthorizationStatus, Partial<Record<Operation, Transition>>> = {
	held: {
		capture: { to: 'captured', totals: 'capture' },
		void: { to: 'voided', totals: 'release' },
		expire: { to: 'expired', totals: 'release' }
	},
	pending_approval: {
		approve: {
			to: 'held',
			totals: 'keep',
			approval: 'approve',
			decision: 'approved',
			freshHold: true
		},
		deny: {
			to: 'declined',
			totals: 'release',
			approval: 'deny',
			decision: 'declined',
			reason: 'approval_denied'
		},
		expire: {
			to: 'declined',
			totals: 'release',
			approval: 'expire',
			decision: 'declined',
			reason: 'approval_expired'
		},
		// The purchase flow withdraws the purchase while it waits.
		void: { to: 'voided', totals: 'release', approval: 'withdraw' }
	},
	captured: {},
	voided: {},
	expired: {},
	declined: {}
};

/** Where an authorization starts, by the decision on it. */
export const INITIAL: Record<Decision, AuthorizationStatus> = {
	approved: 'held',
	pending_approval: 'pending_approval',
	declined: 'declined'
};

const APPROVAL_TRANSITIONS: Record<
	ApprovalStatus,
	Partial<Record<ApprovalOperation, ApprovalStatus>>
> = {
	pending: { approve: 'approved', deny: 'denied', expire: 'expired', withdraw: 'withdrawn' },
	approved: {},
	denied: {},
	expired: {},
	withdrawn: {}
};

/** Where `operation` takes an authorization in `status`, or null when it may not. */
export function transition(status: AuthorizationStatus, operation: Operation): Transition | null {
	return TRANSITIONS[status][operation] ?? null;
}

export function approvalTransition(
	status: ApprovalStatus,
	operation: ApprovalOperation
): ApprovalStatus | null {
	return APPROVAL_TRANSITIONS[status][operation] ?? null;
}

/** Statuses that still move: their amounts are on hold and count against every limit. */
export const LIVE: readonly AuthorizationStatus[] = AUTHORIZATION_STATUSES.filter(
	(status) => Object.keys(TRANSITIONS[status]).length > 0
);

export function isLive(status: AuthorizationStatus): boolean {
	return LIVE.includes(status);
}

/** The status a repeated capture or void finds: it answers the first result again. */
const REPEATS: Partial<Record<Operation, AuthorizationStatus>> = {
	capture: 'captured',
	void: 'voided'
};

export function isRepeat(status: AuthorizationStatus, operation: Operation): boolean {
	return REPEATS[operation] === status;
}

/** Live and past its expiry: it is expired, whether or not the sweep has written it yet. */
export function isDue(auth: Pick<Authorization, 'status' | 'expires_at'>, now: number): boolean {
	return (
		transition(auth.status, 'expire') !== null && auth.expires_at !== null && auth.expires_at <= now
	);
}

/** The columns of an authorization after a transition (for the UPDATE, and for `get`). */
export function after(auth: Authorization, move: Transition, now: number, holdTtl: number) {
	return {
		status: move.to,
		decision: move.decision ?? auth.decision,
		reasons: move.reason ? JSON.stringify([withMessage({ code: move.reason })]) : auth.reasons,
		expires_at: move.freshHold ? now + holdTtl : auth.expires_at,
		settled_at: isLive(move.to) ? auth.settled_at : now
	};
}

const WHY: Record<AuthorizationStatus, string> = {
	voided: 'it was voided',
	expired: 'its hold expired; authorize the purchase again',
	declined: 'it was declined',
	pending_approval: 'it is still waiting for a guardian',
	captured: 'it was already captured',
	held: 'it is held, not waiting for a guardian'
};

/** The CONFLICT message for an operation the table refuses. */
export function refusal(status: AuthorizationStatus, operation: Operation): string {
	return `Cannot ${operation} this authorization: ${WHY[status]}.`;
}

export interface ClosedRequest {
	status: ApprovalStatus;
	/** Who answered, as a person reads it (a name), or null. */
	decidedBy: string | null;
	/** When it was answered, withdrawn or expired. */
	decidedAt: number | null;
}

/** The CONFLICT message for an answer to a request that is no longer pending: who decided. */
export function approvalRefusal(request: ClosedRequest, operation: ApprovalOperation): string {
	const at = request.decidedAt === null ? '' : ` at ${new Date(request.decidedAt).toISOString()}`;
	const who = request.decidedBy ?? 'a guardian';
	const why: Record<ApprovalStatus, string> = {
		pending: 'it is still pending',
		approved: `${who} already approved it${at}`,
		denied: `${who} already denied it${at}`,
		expired: `it expired${at} before anyone answered`,
		withdrawn: `the purchase was withdrawn${at}`
	};
	return `Cannot ${operation} this request: ${why[request.status]}.`;
}
